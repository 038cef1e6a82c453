import { LOG_LEVELS, LogLevel } from '../logging/json-logger';

/** Start-up configuration, read once from the environment. */
export interface SandboxConfig {
  port: number;
  host: string;
  seedDemo: boolean;
  faultSeed: number | string;
  rateLimits: boolean;
  mfnRefundDelayMs: number;
  mfnRefundRejectionRate: number;
  tokenTtlSeconds: number;
  logLevel: LogLevel;
}

export type ConfigResult = { ok: true; config: SandboxConfig } | { ok: false; errors: string[] };

type Env = Record<string, string | undefined>;

/** Every bad variable is reported, each with what was expected, so one start fixes them all. */
export function loadSandboxConfig(env: Env): ConfigResult {
  const errors: string[] = [];
  const read = <T>(name: string, fallback: T, parse: (raw: string) => T | undefined, expected: string): T => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = parse(raw.trim());
    if (value === undefined) {
      errors.push(`${name}=${JSON.stringify(raw)} is invalid: expected ${expected}`);
      return fallback;
    }
    return value;
  };
  const int = (min: number, max: number) => (raw: string) => {
    const n = Number(raw);
    return /^\d+$/.test(raw) && n >= min && n <= max ? n : undefined;
  };
  const bool = (raw: string): boolean | undefined =>
    ({ true: true, false: false, '1': true, '0': false })[raw.toLowerCase()];

  const config: SandboxConfig = {
    port: read('SANDBOX_PORT', 4010, int(0, 65535), 'a port number 0-65535 (0 = any free port)'),
    host: read('SANDBOX_HOST', '127.0.0.1', (raw) => raw, 'a host name or address'),
    seedDemo: read('SANDBOX_SEED_DEMO', true, bool, 'true or false'),
    faultSeed: read(
      'SANDBOX_FAULT_SEED',
      1,
      (raw) => (/^\d+$/.test(raw) ? Number(raw) : raw),
      'a number or a string',
    ),
    rateLimits: read(
      'SANDBOX_RATE_LIMITS',
      true,
      (raw) => ({ on: true, off: false })[raw.toLowerCase()],
      'on or off',
    ),
    mfnRefundDelayMs: read(
      'SANDBOX_MFN_REFUND_DELAY_MS',
      2000,
      int(0, 86_400_000),
      'milliseconds, 0-86400000',
    ),
    mfnRefundRejectionRate: read(
      'SANDBOX_MFN_REFUND_REJECTION_RATE',
      0,
      (raw) => {
        const n = Number(raw);
        return Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
      },
      'a probability between 0 and 1',
    ),
    tokenTtlSeconds: read('SANDBOX_TOKEN_TTL_SECONDS', 3600, int(1, 86_400), 'seconds, 1-86400'),
    logLevel: read(
      'SANDBOX_LOG_LEVEL',
      'info',
      (raw) => LOG_LEVELS.find((level) => level === raw.toLowerCase()),
      LOG_LEVELS.join(' | '),
    ),
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config };
}
