import { loadSandboxConfig } from './sandbox-config';

describe('loadSandboxConfig', () => {
  it('has defaults for a plain `nx serve`', () => {
    expect(loadSandboxConfig({})).toEqual({
      ok: true,
      config: {
        port: 4010,
        host: '127.0.0.1',
        seedDemo: true,
        faultSeed: 1,
        rateLimits: true,
        mfnRefundDelayMs: 2000,
        mfnRefundRejectionRate: 0,
        tokenTtlSeconds: 3600,
        logLevel: 'info',
      },
    });
  });

  it('reads every variable', () => {
    const result = loadSandboxConfig({
      SANDBOX_PORT: '0',
      SANDBOX_HOST: '0.0.0.0',
      SANDBOX_SEED_DEMO: 'false',
      SANDBOX_FAULT_SEED: 'chaos-1',
      SANDBOX_RATE_LIMITS: 'off',
      SANDBOX_MFN_REFUND_DELAY_MS: '50',
      SANDBOX_MFN_REFUND_REJECTION_RATE: '0.25',
      SANDBOX_TOKEN_TTL_SECONDS: '60',
      SANDBOX_LOG_LEVEL: 'debug',
    });
    expect(result).toEqual({
      ok: true,
      config: {
        port: 0,
        host: '0.0.0.0',
        seedDemo: false,
        faultSeed: 'chaos-1',
        rateLimits: false,
        mfnRefundDelayMs: 50,
        mfnRefundRejectionRate: 0.25,
        tokenTtlSeconds: 60,
        logLevel: 'debug',
      },
    });
  });

  it('reports every bad variable with what it expected', () => {
    const result = loadSandboxConfig({
      SANDBOX_PORT: '99999',
      SANDBOX_RATE_LIMITS: 'maybe',
      SANDBOX_LOG_LEVEL: 'loud',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(3);
    expect(result.errors[0]).toMatch(/SANDBOX_PORT="99999" is invalid: expected a port number/);
    expect(result.errors[1]).toMatch(/SANDBOX_RATE_LIMITS.*on or off/);
    expect(result.errors[2]).toMatch(/SANDBOX_LOG_LEVEL.*debug \| info/);
  });
});
