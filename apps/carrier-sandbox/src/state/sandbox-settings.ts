import { asObject, InputError, optionalNumber } from '../control/control-input';

/** Behaviour knobs that are not faults: how MFN refunds resolve, token lifetime, a v2 quirk. */
export interface SandboxSettings {
  /** RefundPending → RefundApplied after this long. */
  mfnRefundDelayMs: number;
  /** RefundPending → RefundRejected after this long. */
  mfnRefundRejectionDelayMs: number;
  /** Chance that an in-window MFN refund is rejected anyway (carrier already accepted the package). */
  mfnRefundRejectionRate: number;
  /** Lifetime of LWA access tokens and Restricted Data Tokens. */
  tokenTtlSeconds: number;
  /** Real v2 traffic has answered "shipment not found" with 400; the model says 404 (the default). */
  v2NotFoundStatus: 400 | 404;
}

export function defaultSettings(overrides: Partial<SandboxSettings> = {}): SandboxSettings {
  return {
    mfnRefundDelayMs: 2_000,
    mfnRefundRejectionDelayMs: overrides.mfnRefundDelayMs ?? 2_000,
    mfnRefundRejectionRate: 0,
    tokenTtlSeconds: 3600,
    v2NotFoundStatus: 404,
    ...overrides,
  };
}

/** Applies a partial update from PUT /__sandbox/settings; unknown keys are refused. */
export function updateSettings(current: SandboxSettings, body: unknown): SandboxSettings {
  const obj = asObject(body, 'settings');
  const known = new Set(Object.keys(current));
  for (const key of Object.keys(obj)) {
    if (!known.has(key))
      throw new InputError(`settings.${key} is not a setting (known: ${[...known].join(', ')})`);
  }
  const next = { ...current };
  next.mfnRefundDelayMs =
    optionalNumber(obj, 'mfnRefundDelayMs', 'settings', { min: 0 }) ?? next.mfnRefundDelayMs;
  next.mfnRefundRejectionDelayMs =
    optionalNumber(obj, 'mfnRefundRejectionDelayMs', 'settings', { min: 0 }) ??
    next.mfnRefundRejectionDelayMs;
  next.mfnRefundRejectionRate =
    optionalNumber(obj, 'mfnRefundRejectionRate', 'settings', { min: 0, max: 1 }) ??
    next.mfnRefundRejectionRate;
  next.tokenTtlSeconds =
    optionalNumber(obj, 'tokenTtlSeconds', 'settings', { min: 1, integer: true }) ?? next.tokenTtlSeconds;
  const notFound = optionalNumber(obj, 'v2NotFoundStatus', 'settings', { integer: true });
  if (notFound !== undefined) {
    if (notFound !== 400 && notFound !== 404)
      throw new InputError('settings.v2NotFoundStatus must be 400 or 404');
    next.v2NotFoundStatus = notFound;
  }
  return next;
}
