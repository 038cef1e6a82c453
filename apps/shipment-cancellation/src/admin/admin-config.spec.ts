import { ConfigError, loadConfig } from '../platform/config/config';
import { hashApiKey } from './auth/api-key';
import { testKey } from './testing';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('admin configuration (ADMIN_*)', () => {
  it('defaults to no keys, 120 requests a minute per key, 30 keyless a minute per address, a 16 KiB body limit and open docs', () => {
    expect(loadConfig({}).admin).toEqual({
      apiKeys: [],
      rateLimitPerMinute: 120,
      unauthenticatedRateLimitPerMinute: 30,
      bodyLimitBytes: 16_384,
      docsRequireKey: false,
    });
  });

  it('reads the keyless rate limit and the docs switch', () => {
    const config = loadConfig({
      ADMIN_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: '5',
      ADMIN_DOCS_REQUIRE_KEY: 'true',
    });
    expect(config.admin).toMatchObject({ unauthenticatedRateLimitPerMinute: 5, docsRequireKey: true });
  });

  it('reads id:role:sha256 entries, comma-separated, with spaces and upper-case hex tolerated', () => {
    const a = testKey('alice', 'operator');
    const v = testKey('victor.ops-2', 'viewer');
    const upper = `${v.id}:viewer:${hashApiKey(v.key).toUpperCase()}`;
    const config = loadConfig({
      ADMIN_API_KEYS: ` ${a.entry} , ${upper} `,
      ADMIN_RATE_LIMIT_PER_MINUTE: '30',
    });
    expect(config.admin.apiKeys).toEqual([
      { id: 'alice', role: 'operator', sha256: hashApiKey(a.key) },
      { id: 'victor.ops-2', role: 'viewer', sha256: hashApiKey(v.key) },
    ]);
    expect(config.admin.rateLimitPerMinute).toBe(30);
  });

  it('reports every bad entry and every bad variable at once, without echoing what was given', () => {
    const plainKey = 'osc_ThisIsASecretKeyPastedByMistake0000000000';
    const good = testKey('alice', 'operator');
    const problems = problemsOf({
      ADMIN_API_KEYS: [
        plainKey,
        `bob:admin:${'a'.repeat(64)}`,
        `carol:viewer:${plainKey}`,
        'dave:viewer:abc',
        good.entry,
        `alice:viewer:${'b'.repeat(64)}`,
        `bad id:viewer:${'c'.repeat(64)}`,
        `erin:viewer:${'d'.repeat(64)}:extra`,
      ].join(','),
      ADMIN_RATE_LIMIT_PER_MINUTE: '0',
      ADMIN_BODY_LIMIT_BYTES: 'lots',
      ADMIN_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: '-1',
      ADMIN_DOCS_REQUIRE_KEY: 'maybe',
      HTTP_PORT: 'x',
    });
    expect(problems).toEqual([
      "HTTP_PORT: must be a whole number from 0 to 65535, got 'x'",
      'ADMIN_API_KEYS: entry 1 has an unknown role; expected viewer or operator',
      'ADMIN_API_KEYS: entry 2 has an unknown role; expected viewer or operator',
      "ADMIN_API_KEYS: entry 3 must end in the key's SHA-256 as 64 hex digits (never the key itself)",
      "ADMIN_API_KEYS: entry 4 must end in the key's SHA-256 as 64 hex digits (never the key itself)",
      'ADMIN_API_KEYS: entry 6 repeats the id of an earlier entry',
      "ADMIN_API_KEYS: entry 7 must look like id:role:sha256hex, the id of letters, digits, '.', '_', '-'",
      "ADMIN_API_KEYS: entry 8 must look like id:role:sha256hex, the id of letters, digits, '.', '_', '-'",
      "ADMIN_RATE_LIMIT_PER_MINUTE: must be a whole number from 1 to 1000000, got '0'",
      "ADMIN_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: must be a whole number from 1 to 1000000, got '-1'",
      "ADMIN_BODY_LIMIT_BYTES: must be a whole number from 256 to 1048576, got 'lots'",
      "ADMIN_DOCS_REQUIRE_KEY: must be true or false, got 'maybe'",
    ]);
    expect(problems.join('\n')).not.toContain('Secret');
  });
});
