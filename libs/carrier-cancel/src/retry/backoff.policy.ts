import type { RetrySettings } from '../carrier-client.config';

/**
 * Capped exponential backoff with full jitter: a uniform delay in [0, min(max, base * 2^(retry-1))).
 * `retry` counts from 1 (the first retry).
 */
export function backoffDelayMs(
  retry: number,
  settings: Pick<RetrySettings, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  const cap = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * cap);
}

/** Statuses the runner never repeats: the request itself is wrong, a retry would be the same mistake. */
export const NEVER_RETRIED_STATUSES: readonly number[] = [400, 404, 413, 415];
