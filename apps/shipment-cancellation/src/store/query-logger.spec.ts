import { Logger } from '@nestjs/common';
import { JsonLogger } from '../platform/logging/json-logger';
import { QueryLogger, STATEMENT_CHARS, statementOf } from './query-logger';

describe('QueryLogger', () => {
  const capture = () => {
    const lines: Array<Record<string, unknown>> = [];
    Logger.overrideLogger(
      new JsonLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)),
    );
    return lines;
  };
  afterEach(() => Logger.overrideLogger(false));

  it('logs a failed query as one JSON line with the statement and the error, never its parameters', () => {
    const lines = capture();
    new QueryLogger().logQueryError(
      new Error('invalid byte sequence for encoding "UTF8": 0x00'),
      'INSERT INTO "audit_log" ("id", "reason")\n  VALUES ($1, $2)',
      ['key-7f3a', 'a secret-looking reason'],
    );
    expect(lines).toEqual([
      {
        time: expect.any(String),
        level: 'warn',
        context: 'Postgres',
        msg: 'query failed: invalid byte sequence for encoding "UTF8": 0x00',
        statement: 'INSERT INTO "audit_log" ("id", "reason") VALUES ($1, $2)',
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret-looking');
  });

  it('cuts a long statement so a line stays readable', () => {
    const long = `SELECT ${'x, '.repeat(500)}y FROM t`;
    expect(statementOf(long)).toHaveLength(STATEMENT_CHARS + 1);
    expect(statementOf(long).endsWith('…')).toBe(true);
    expect(statementOf('SELECT 1')).toBe('SELECT 1');
  });

  it('logs nothing for a statement that ran, a migration or an informational message; a warning passes', () => {
    const lines = capture();
    const logger = new QueryLogger();
    logger.logQuery();
    logger.logMigration();
    logger.logSchemaBuild();
    logger.log('info', 'connected');
    logger.log('warn', 'pool is full');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([['warn', 'pool is full']]);
  });
});
