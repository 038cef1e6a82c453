import { SecretRedactor } from './secret.redactor';

describe('SecretRedactor', () => {
  it('masks registered secrets wherever they appear', () => {
    const redactor = new SecretRedactor();
    redactor.register('plain-secret-value', undefined, 'abc');
    expect(redactor.redact('x plain-secret-value y plain-secret-value')).toBe('x [REDACTED] y [REDACTED]');
    // too short to be a secret: not registered, so ordinary words stay readable
    expect(redactor.redact('abc')).toBe('abc');
  });

  it('masks LWA tokens, RDTs and client secrets by shape, even unregistered', () => {
    const redactor = new SecretRedactor();
    expect(redactor.redact('token Atza|IwEBIGorlXXX, next')).toBe('token [REDACTED], next');
    expect(redactor.redact('"Atzr|refresh"')).toBe('"[REDACTED]"');
    expect(redactor.redact('Atz.sprdt|rdt-value')).toBe('[REDACTED]');
    expect(redactor.redact('secret amzn1.oa2-cs.v1.deadbeef01')).toBe('secret [REDACTED]');
    expect(redactor.redact('client_secret=s3cr3t&refresh_token=r3fr3sh')).toBe(
      'client_secret=[REDACTED]&refresh_token=[REDACTED]',
    );
  });

  it('redacts nested values for log context', () => {
    const redactor = new SecretRedactor();
    redactor.register('nested-secret');
    expect(
      redactor.redactValue({ a: ['nested-secret'], b: { c: new Error('nested-secret failed') }, n: 1 }),
    ).toEqual({
      a: ['[REDACTED]'],
      b: { c: '[REDACTED] failed' },
      n: 1,
    });
  });

  describe('redactValue at any depth', () => {
    const secret = 'Atza|IwEBdeep-access-token';
    /** { next: { next: … { token: secret } } } with the secret `depth` levels down. */
    function nested(depth: number): Record<string, unknown> {
      let value: Record<string, unknown> = { token: secret };
      for (let i = 1; i < depth; i++) value = { next: value };
      return value;
    }

    it('redacts a secret 10 levels down and keeps the shape', () => {
      const out = new SecretRedactor().redactValue(nested(10));
      expect(out).toEqual(JSON.parse(JSON.stringify(nested(10)).replace(secret, '[REDACTED]')));
      expect(JSON.stringify(out)).not.toContain('IwEB');
    });

    it('redacts a registered secret inside arrays and errors deep down', () => {
      const redactor = new SecretRedactor();
      redactor.register('registered-secret-value');
      let value: unknown = [{ e: new Error('registered-secret-value leaked') }];
      for (let i = 0; i < 20; i++) value = [value];
      expect(JSON.stringify(redactor.redactValue(value))).not.toContain('registered-secret-value');
    });

    it.each([1_000, 100_000])('never passes a secret %i levels down through, nor overflows', (depth) => {
      const out = new SecretRedactor().redactValue(nested(depth));
      const text = JSON.stringify(out);
      expect(text).not.toContain('IwEB');
      expect(text).toContain('"[deep]"');
    });

    it('copes with cycles, and copies a value shared by two branches twice', () => {
      const shared = { token: secret };
      const cyclic: Record<string, unknown> = { a: shared, b: shared, list: [] as unknown[] };
      cyclic['self'] = cyclic;
      (cyclic['list'] as unknown[]).push(cyclic, { back: cyclic['list'] });
      expect(new SecretRedactor().redactValue(cyclic)).toEqual({
        a: { token: '[REDACTED]' },
        b: { token: '[REDACTED]' },
        list: ['[circular]', { back: '[circular]' }],
        self: '[circular]',
      });
    });

    it('keeps a __proto__ key a plain key', () => {
      const out = new SecretRedactor().redactValue(JSON.parse(`{"__proto__":{"x":"${secret}"}}`));
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      expect(JSON.stringify(out)).toBe('{"__proto__":{"x":"[REDACTED]"}}');
    });
  });
});
