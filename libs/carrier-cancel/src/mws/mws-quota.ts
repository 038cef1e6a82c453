// The MWS bridge reports its throttling quota with every answer: `ResponseHeaderMetadata` in the body (seed 001)
// and, on some bridges, x-mws-quota-* headers. The budget reads it as Shipping v2's rate header is read.
import type { Parsed } from '../http/amazon-response.parser';
import type { QuotaReport } from '../rate-limit/rate-budget';

/** The quota an MWS answer reports, or undefined when it reports none (the seed's nulls). */
export function quotaReportOf(parsed: Parsed, headers: Record<string, string>): QuotaReport | undefined {
  const root = parsed.format === 'json' || parsed.format === 'xml' ? parsed.value : undefined;
  const metadata = isRecord(root) ? root['ResponseHeaderMetadata'] : undefined;
  const fromBody = isRecord(metadata)
    ? { max: count(metadata['QuotaMax']), remaining: count(metadata['QuotaRemaining']) }
    : undefined;
  const remaining = fromBody?.remaining ?? count(headers['x-mws-quota-remaining']);
  if (remaining === undefined) return undefined;
  const max = fromBody?.max ?? count(headers['x-mws-quota-max']);
  return max === undefined ? { remaining } : { max, remaining };
}

/** A non-negative count, from a number or its text; anything else is no report. */
function count(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
