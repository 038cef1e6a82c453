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
});
