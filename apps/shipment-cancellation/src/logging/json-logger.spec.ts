import { Logger } from '@nestjs/common';
import { JsonLogger, redact } from './json-logger';

describe('JsonLogger', () => {
  const capture = (level: 'debug' | 'info' | 'warn' | 'error' = 'debug') => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = new JsonLogger(level, (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    return { logger, lines };
  };

  it('writes one JSON object per line with context and structured fields (correlation ids)', () => {
    const { logger, lines } = capture();
    logger.warn(
      'cancellation failed: window_expired',
      { orderId: 'o-1', correlationId: 'c-1' },
      'OutcomeApplier',
    );
    expect(lines).toEqual([
      {
        time: expect.any(String),
        level: 'warn',
        context: 'OutcomeApplier',
        msg: 'cancellation failed: window_expired',
        orderId: 'o-1',
        correlationId: 'c-1',
      },
    ]);
  });

  it('works behind Nest Logger instances', () => {
    const { logger, lines } = capture();
    Logger.overrideLogger(logger);
    new Logger('Worker').log('claimed', { n: 3 });
    Logger.overrideLogger(false);
    expect(lines[0]).toMatchObject({ level: 'info', context: 'Worker', msg: 'claimed', n: 3 });
  });

  it('drops lines below the configured level', () => {
    const { logger, lines } = capture('warn');
    logger.log('noise');
    logger.debug('more noise');
    logger.error('kept');
    expect(lines.map((l) => l['msg'])).toEqual(['kept']);
  });

  it('never writes an LWA token or secret, whatever a message carries', () => {
    const { logger, lines } = capture();
    logger.error(
      'refresh failed for body grant_type=refresh_token&refresh_token=Atzr|IwEBIsecret&client_secret=shh',
    );
    logger.log('token Atza|IwEBIaccess-token-value used');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('IwEBIsecret');
    expect(text).not.toContain('shh');
    expect(text).not.toContain('access-token-value');
    expect(redact('Atza|abc')).toBe('Atza[redacted]');
  });
});
