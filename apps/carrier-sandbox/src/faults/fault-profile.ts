import { asObject, InputError, isObject, oneOf, optionalNumber } from '../control/control-input';
import { SANDBOX_APIS } from '../state/shipment.model';

/** Where faults can be injected: the three carrier APIs, plus LWA and the tokens API on request. */
export const FAULT_SCOPES = [...SANDBOX_APIS, 'lwa', 'tokens'] as const;
export type FaultScope = (typeof FAULT_SCOPES)[number];

export type LatencySpec =
  | { fixedMs: number }
  | { uniform: { min: number; max: number } }
  | { normal: { mean: number; stddev: number } };

export interface FaultProfile {
  seed: number | string;
  apis: FaultScope[];
  latency?: LatencySpec;
  /** [status, probability], ascending by status: the order the dice are read in. */
  errorRates: Array<[number, number]>;
  timeoutRate: number;
  dropAfterActRate: number;
  tokenExpiry?: { expireNext?: number; ttlSeconds?: number };
}

/** Parses the body of PUT /__sandbox/faults; `defaultSeed` comes from SANDBOX_FAULT_SEED. */
export function parseFaultProfile(body: unknown, defaultSeed: number | string): FaultProfile {
  const obj = asObject(body, 'faults');
  const allowed = new Set([
    'seed',
    'apis',
    'latency',
    'errorRates',
    'timeoutRate',
    'dropAfterActRate',
    'tokenExpiry',
  ]);
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) throw new InputError(`faults.${key} is not a fault setting`);
  }
  const seed = obj['seed'] ?? defaultSeed;
  if (typeof seed !== 'number' && typeof seed !== 'string')
    throw new InputError('faults.seed must be a number or string');

  let apis: FaultScope[] = [...SANDBOX_APIS];
  if (obj['apis'] !== undefined) {
    if (!Array.isArray(obj['apis']) || obj['apis'].length === 0) {
      throw new InputError('faults.apis must be a non-empty array');
    }
    apis = obj['apis'].map((api, i) => oneOf(api, FAULT_SCOPES, `faults.apis[${i}]`));
  }

  const errorRates: Array<[number, number]> = [];
  if (obj['errorRates'] !== undefined) {
    const rates = asObject(obj['errorRates'], 'faults.errorRates');
    for (const key of Object.keys(rates)) {
      const status = Number(key);
      if (!Number.isInteger(status) || status < 400 || status > 599) {
        throw new InputError(`faults.errorRates keys must be HTTP statuses 400-599, got ${key}`);
      }
      const rate = optionalNumber(rates, key, 'faults.errorRates', { min: 0, max: 1 }) ?? 0;
      if (rate > 0) errorRates.push([status, rate]);
    }
    errorRates.sort((a, b) => a[0] - b[0]);
  }

  const timeoutRate = optionalNumber(obj, 'timeoutRate', 'faults', { min: 0, max: 1 }) ?? 0;
  const dropAfterActRate = optionalNumber(obj, 'dropAfterActRate', 'faults', { min: 0, max: 1 }) ?? 0;
  const total = errorRates.reduce((sum, [, rate]) => sum + rate, 0) + timeoutRate + dropAfterActRate;
  if (total > 1 + 1e-9)
    throw new InputError(`faults: error, timeout and drop rates add up to ${total}, more than 1`);

  const profile: FaultProfile = { seed, apis, errorRates, timeoutRate, dropAfterActRate };
  if (obj['latency'] !== undefined) profile.latency = parseLatency(obj['latency']);
  if (obj['tokenExpiry'] !== undefined) {
    const expiry = asObject(obj['tokenExpiry'], 'faults.tokenExpiry');
    const expireNext = optionalNumber(expiry, 'expireNext', 'faults.tokenExpiry', { min: 0, integer: true });
    const ttlSeconds = optionalNumber(expiry, 'ttlSeconds', 'faults.tokenExpiry', { min: 1, integer: true });
    profile.tokenExpiry = {
      ...(expireNext !== undefined && { expireNext }),
      ...(ttlSeconds !== undefined && { ttlSeconds }),
    };
  }
  return profile;
}

function parseLatency(value: unknown): LatencySpec {
  const obj = asObject(value, 'faults.latency');
  if (obj['fixedMs'] !== undefined) {
    return { fixedMs: optionalNumber(obj, 'fixedMs', 'faults.latency', { min: 0 }) ?? 0 };
  }
  if (isObject(obj['uniform'])) {
    const u = obj['uniform'];
    const min = optionalNumber(u, 'min', 'faults.latency.uniform', { min: 0 }) ?? 0;
    const max = optionalNumber(u, 'max', 'faults.latency.uniform', { min: 0 }) ?? min;
    if (max < min) throw new InputError('faults.latency.uniform.max must be >= min');
    return { uniform: { min, max } };
  }
  if (isObject(obj['normal'])) {
    const n = obj['normal'];
    const mean = optionalNumber(n, 'mean', 'faults.latency.normal', { min: 0 });
    const stddev = optionalNumber(n, 'stddev', 'faults.latency.normal', { min: 0 }) ?? 0;
    if (mean === undefined) throw new InputError('faults.latency.normal.mean is required');
    return { normal: { mean, stddev } };
  }
  throw new InputError('faults.latency must be {fixedMs} | {uniform: {min, max}} | {normal: {mean, stddev}}');
}
