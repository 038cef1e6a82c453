// The list, count and bulk-redrive filter of dead letters, as SQL on six parameters.

/** Which dead letters: every field narrows; `since` is inclusive, `until` exclusive. */
export interface DeadLetterFilter {
  topic?: string;
  errorKind?: string;
  orderId?: string;
  since?: Date;
  until?: Date;
  /** true: redriven at least once; false: never redriven. */
  redriven?: boolean;
}

/** The filter as SQL on parameters $n … $n+5 (see filterParams); never built from input. */
export function filterSql(n: number): string {
  return `($${n}::text IS NULL OR topic = $${n})
      AND ($${n + 1}::text IS NULL OR error_kind = $${n + 1})
      AND ($${n + 2}::text IS NULL OR order_id = $${n + 2})
      AND ($${n + 3}::timestamptz IS NULL OR dead_lettered_at >= $${n + 3})
      AND ($${n + 4}::timestamptz IS NULL OR dead_lettered_at < $${n + 4})
      AND ($${n + 5}::boolean IS NULL OR (redrive_count > 0) = $${n + 5})`;
}

/** The six parameters of filterSql, in its order; a missing field is null (does not narrow). */
export function filterParams(f: DeadLetterFilter): unknown[] {
  return [
    f.topic ?? null,
    f.errorKind ?? null,
    f.orderId ?? null,
    f.since ?? null,
    f.until ?? null,
    f.redriven ?? null,
  ];
}
