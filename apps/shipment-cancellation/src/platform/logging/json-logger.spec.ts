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

  describe('fields at any depth', () => {
    /** { next: { next: … { token } } } with the token `depth` levels down. */
    function nested(depth: number): Record<string, unknown> {
      let value: Record<string, unknown> = { token: 'Atza|IwEBIdeep-token-value' };
      for (let i = 1; i < depth; i++) value = { next: value };
      return value;
    }

    it.each([10, 1_000, 100_000])('never writes a token %i levels down, and never throws', (depth) => {
      const written: string[] = [];
      new JsonLogger('debug', (line) => written.push(line)).log('deep', { ctx: nested(depth) });
      expect(written).toHaveLength(1);
      expect(written[0]).not.toContain('deep-token-value');
      expect(JSON.parse(written[0] as string)).toMatchObject({ msg: 'deep' });
    });

    it('keeps the shape of ordinary fields, a token 10 levels down masked', () => {
      const { logger, lines } = capture();
      logger.log('shallow', { ctx: nested(10) });
      let ctx = lines[0]?.['ctx'] as Record<string, unknown>;
      for (let i = 1; i < 10; i++) ctx = ctx['next'] as Record<string, unknown>;
      expect(ctx['token']).toBe('Atza[redacted]');
    });

    it('writes cyclic fields, errors, dates and bigints instead of throwing', () => {
      const { logger, lines } = capture();
      const cyclic: Record<string, unknown> = { n: 1 };
      cyclic['self'] = cyclic;
      logger.warn('odd fields', {
        cyclic,
        error: new Error('refused with Atza|IwEBIerror-token'),
        at: new Date(0),
        big: 10n,
      });
      expect(lines[0]).toMatchObject({
        msg: 'odd fields',
        cyclic: { n: 1, self: '[circular]' },
        error: 'refused with Atza[redacted]',
        at: '1970-01-01T00:00:00.000Z',
        big: '10',
      });
    });
  });
});
