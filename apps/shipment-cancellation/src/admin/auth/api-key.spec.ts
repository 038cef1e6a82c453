import * as crypto from 'node:crypto';
import { ApiKeyVerifier, bearerToken, generateApiKey, hashApiKey, roleAllows } from './api-key';

describe('admin API keys', () => {
  it('generates distinct prefixed 256-bit keys whose hash is their SHA-256 in hex', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a).toMatch(/^osc_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(hashApiKey(a)).toBe(crypto.createHash('sha256').update(a).digest('hex'));
  });

  it('reads the token of a Bearer header and nothing else', () => {
    expect(bearerToken('Bearer osc_abc-DEF_1')).toBe('osc_abc-DEF_1');
    expect(bearerToken('bearer osc_abc')).toBe('osc_abc');
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeNull();
    expect(bearerToken('Bearer')).toBeNull();
    expect(bearerToken('Bearer two tokens')).toBeNull();
    expect(bearerToken(`Bearer ${'a'.repeat(2000)}`)).toBeNull();
  });

  describe('ApiKeyVerifier', () => {
    const alice = generateApiKey();
    const victor = generateApiKey();
    const verifier = new ApiKeyVerifier([
      { id: 'alice', role: 'operator', sha256: hashApiKey(alice) },
      { id: 'victor', role: 'viewer', sha256: hashApiKey(victor) },
    ]);

    it('finds the principal of a configured key', () => {
      expect(verifier.verify(alice)).toEqual({ id: 'alice', role: 'operator' });
      expect(verifier.verify(victor)).toEqual({ id: 'victor', role: 'viewer' });
    });

    it('refuses unknown keys, near misses, and the hash itself used as a key', () => {
      expect(verifier.verify(generateApiKey())).toBeNull();
      expect(verifier.verify(`${alice}x`)).toBeNull();
      expect(verifier.verify(alice.slice(0, -1))).toBeNull();
      expect(verifier.verify(hashApiKey(alice))).toBeNull();
      expect(verifier.verify('')).toBeNull();
    });

    it('compares against every configured hash in constant time, even after a match', () => {
      // The module object itself (a namespace import would be a copy the code under test never calls).
      const spy = jest.spyOn(jest.requireActual<typeof crypto>('node:crypto'), 'timingSafeEqual');
      try {
        verifier.verify(alice);
        expect(spy).toHaveBeenCalledTimes(2);
        spy.mockClear();
        verifier.verify('osc_nope');
        expect(spy).toHaveBeenCalledTimes(2);
      } finally {
        spy.mockRestore();
      }
    });

    it('admits nobody when no key is configured', () => {
      expect(new ApiKeyVerifier([]).verify(alice)).toBeNull();
    });
  });

  it('lets operators do what viewers do, and viewers only read', () => {
    expect(roleAllows('operator', 'operator')).toBe(true);
    expect(roleAllows('operator', 'viewer')).toBe(true);
    expect(roleAllows('viewer', 'viewer')).toBe(true);
    expect(roleAllows('viewer', 'operator')).toBe(false);
  });
});
