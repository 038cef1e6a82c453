// What the instances' own /metrics say about a phase: the shared budget's tokens (granted, expired unused) and how
// long carrier exchanges took. Read before and after the phase from every live instance; an instance killed in
// the phase takes its counts with it.

/** The counters a phase reports, summed over instances. */
export interface ServiceCounts {
  tokensGranted: number;
  tokensExpired: number;
  /** HTTP exchanges with the carrier and their summed duration (oms_carrier_http_duration_seconds). */
  httpCount: number;
  httpSeconds: number;
}

export const NO_COUNTS: ServiceCounts = { tokensGranted: 0, tokensExpired: 0, httpCount: 0, httpSeconds: 0 };

/** Sums the counters a phase reports from one Prometheus text exposition. */
export function parseServiceCounts(text: string): ServiceCounts {
  const counts = { ...NO_COUNTS };
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-z_]+)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const [, name, labels = '', raw] = match;
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    if (name === 'oms_carrier_budget_tokens_total') {
      if (labels.includes('result="granted"')) counts.tokensGranted += value;
      else if (labels.includes('result="expired"')) counts.tokensExpired += value;
    } else if (name === 'oms_carrier_http_duration_seconds_count') counts.httpCount += value;
    else if (name === 'oms_carrier_http_duration_seconds_sum') counts.httpSeconds += value;
  }
  return counts;
}

/** After minus before, per instance (one absent before started in the phase), summed over those alive after. */
export function countsDelta(
  before: ReadonlyMap<number, ServiceCounts>,
  after: ReadonlyMap<number, ServiceCounts>,
): ServiceCounts {
  const sum = { ...NO_COUNTS };
  for (const [pid, end] of after) {
    const start = before.get(pid) ?? NO_COUNTS;
    for (const key of Object.keys(sum) as Array<keyof ServiceCounts>) sum[key] += end[key] - start[key];
  }
  return sum;
}

/** Reads every instance's counters; one that does not answer within a second is left out. */
export async function readServiceCounts(
  apps: ReadonlyArray<{ pid: number; url: string }>,
): Promise<Map<number, ServiceCounts>> {
  const read = async (app: { pid: number; url: string }): Promise<[number, ServiceCounts] | null> => {
    try {
      const response = await fetch(`${app.url}/metrics`, { signal: AbortSignal.timeout(1_000) });
      return response.ok ? [app.pid, parseServiceCounts(await response.text())] : null;
    } catch {
      return null;
    }
  };
  const entries = await Promise.all(apps.map(read));
  return new Map(entries.filter((entry): entry is [number, ServiceCounts] => entry !== null));
}
