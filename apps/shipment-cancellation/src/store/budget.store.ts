// The statements on the shared carrier budget: one GCRA schedule per (API, operation, seller account), from which
// every instance takes tokens in small batches. Time is Postgres's clock, so instances need no synchronised clocks.
import type { DataSource } from 'typeorm';
import { preparedQuery } from './query-rows';
import { CARRIER_BUDGET } from './tables/carrier-budget.tables';

/** A quota's key and its configured limit with the GCRA spacing that follows from it. */
export interface BudgetLimit {
  api: string;
  operation: string;
  sellerAccount: string;
  configuredRate: number;
  burst: number;
  intervalMs: number;
  toleranceMs: number;
}

export type BudgetKey = Pick<BudgetLimit, 'api' | 'operation' | 'sellerAccount'>;

/** Tokens wanted for one quota. */
export interface TokenRequest extends BudgetKey {
  wanted: number;
}

/**
 * What one quota granted: `granted` tokens, the k-th free max(lead, `firstMs + k * intervalMs`) after the
 * statement read its clock, which said `nowMs` (Postgres's clock, epoch ms).
 */
export interface TokenGrant extends BudgetKey {
  granted: number;
  nowMs: number;
  firstMs: number;
  intervalMs: number;
  /** The schedule's tolerance: token k's theoretical arrival time is `firstMs + toleranceMs + k * intervalMs`. */
  toleranceMs: number;
  /** When the next token after these is free, relative to the statement's time. */
  nextMs: number;
  ratePerSecond: number;
}

const KEY = ['api', 'operation', 'sellerAccount'] as const;
const LIMIT = [...KEY, 'configuredRate', 'burst', 'intervalMs', 'toleranceMs'] as const;

/**
 * Creates the quotas not seen yet, at their configured limit. A quota whose configured limit changed takes the
 * new one (and forgets a lower rate Amazon reported, which its next answer reports again).
 */
export const ENSURE_QUOTAS = `INSERT INTO carrier_budget (${CARRIER_BUDGET.names([...LIMIT, 'ratePerSecond'])})
  SELECT l.*, l.configured_rate FROM ${CARRIER_BUDGET.unnest([...LIMIT], 1, 'l')}
  ON CONFLICT (api, operation, seller_account) DO UPDATE
     SET configured_rate = excluded.configured_rate, rate_per_second = excluded.configured_rate,
         burst = excluded.burst, interval_ms = excluded.interval_ms, tolerance_ms = excluded.tolerance_ms,
         updated_at = now()
   WHERE (carrier_budget.configured_rate, carrier_budget.burst) <> (excluded.configured_rate, excluded.burst)`;

/**
 * Grants each quota's tokens due within $5 ms, as many as wanted: token k of a quota is free at
 * max(now + lead, base - tolerance + k * interval), where base = max(tat, now + lead + slack), and the schedule
 * moves on from base by one interval per token granted. The lead ($6 ms, less than $5) dates even a full bucket's
 * tokens a little ahead, so that they are still usable when the answer comes back. A token must be written by its
 * theoretical arrival time (base + k * interval) plus a few ms; the slack ($7 ms, at most the tolerance) gives
 * a full bucket's first tokens that much more time to reach a socket, at the cost of that much of the burst,
 * and changes nothing once the schedule runs ahead of the clock. Rows are locked in key order (two instances
 * asking for the same quotas never deadlock), and each quota's clock is read once its lock is held, so waiting
 * for another instance's grant never dates a token early.
 */
export const GRANT_TOKENS = `WITH wanted AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])
                    AS w(${CARRIER_BUDGET.names([...KEY])}, wanted)
       ), locked AS (
         SELECT b.api, b.operation, b.seller_account, b.interval_ms, b.tolerance_ms, b.tat_ms, b.rate_per_second,
                w.wanted
           FROM carrier_budget b JOIN wanted w USING (api, operation, seller_account)
          ORDER BY b.api, b.operation, b.seller_account
            FOR UPDATE OF b
       ), clocked AS (
         SELECT l.*, extract(epoch FROM clock_timestamp()) * 1000 AS now_ms FROM locked l
       ), based AS (
         SELECT c.*, greatest(c.tat_ms, c.now_ms + $6 + least($7, c.tolerance_ms)) AS base FROM clocked c
       ), granted AS (
         SELECT b.*, b.base - b.tolerance_ms AS first_at,
                least(b.wanted,
                      greatest(0, floor((b.now_ms + $5 - (b.base - b.tolerance_ms)) / b.interval_ms) + 1))::int
                  AS granted
           FROM based b
       )
       UPDATE carrier_budget b
          SET tat_ms = g.base + g.granted * g.interval_ms, updated_at = now()
         FROM granted g
        WHERE (b.api, b.operation, b.seller_account) = (g.api, g.operation, g.seller_account)
       RETURNING b.api, b.operation, b.seller_account AS "sellerAccount", g.granted,
                 g.now_ms::float8 AS "nowMs", (g.first_at - g.now_ms)::float8 AS "firstMs", g.interval_ms AS "intervalMs",
                 g.tolerance_ms AS "toleranceMs",
                 b.tat_ms - b.tolerance_ms - g.now_ms AS "nextMs", g.rate_per_second AS "ratePerSecond"`;

/** Amazon answered 429: its bucket is empty, so the next token is one interval away for every instance. */
export const DRAIN = `UPDATE carrier_budget
     SET tat_ms = greatest(tat_ms, extract(epoch FROM clock_timestamp()) * 1000 + tolerance_ms + interval_ms),
         updated_at = now()
   WHERE (api, operation, seller_account) = ($1, $2, $3)`;

/** Amazon reported $4 requests left: the schedule never offers more before they refill. */
export const OBSERVE_REMAINING = `UPDATE carrier_budget
     SET tat_ms = greatest(tat_ms, extract(epoch FROM clock_timestamp()) * 1000 + tolerance_ms
                                   + interval_ms * (1 - least($4::float8, burst))),
         updated_at = now()
   WHERE (api, operation, seller_account) = ($1, $2, $3)`;

/** Amazon reported a rate ($4): the spacing follows it (never above the configured rate; the caller computes). */
export const SET_RATE = `UPDATE carrier_budget
     SET rate_per_second = $4, interval_ms = $5, tolerance_ms = $6, updated_at = now()
   WHERE (api, operation, seller_account) = ($1, $2, $3) AND rate_per_second <> $4`;

/** Postgres's clock (epoch ms): read while idle, it keeps this process's mapping to it precise (StoreClock). */
export const READ_CLOCK = `SELECT extract(epoch FROM clock_timestamp()) * 1000 AS "nowMs"`;

/** The shared carrier budget's statements. */
export class BudgetStore {
  constructor(private readonly dataSource: DataSource) {}

  async ensure(limits: readonly BudgetLimit[]): Promise<void> {
    const sorted = [...limits].sort(byKey);
    await preparedQuery(this.dataSource, ENSURE_QUOTAS, CARRIER_BUDGET.arrays(sorted, [...LIMIT]));
  }

  grant(
    requests: readonly TokenRequest[],
    horizonMs: number,
    leadMs: number,
    slackMs: number,
  ): Promise<TokenGrant[]> {
    const sorted = [...requests].sort(byKey);
    return preparedQuery<TokenGrant>(this.dataSource, GRANT_TOKENS, [
      ...CARRIER_BUDGET.arrays(sorted, [...KEY]),
      sorted.map((r) => r.wanted),
      horizonMs,
      leadMs,
      slackMs,
    ]);
  }

  async readClock(): Promise<number> {
    const [row] = await preparedQuery<{ nowMs: string | number }>(this.dataSource, READ_CLOCK, []);
    return Number(row?.nowMs);
  }

  async drain(key: BudgetKey): Promise<void> {
    await preparedQuery(this.dataSource, DRAIN, [key.api, key.operation, key.sellerAccount]);
  }

  async observeRemaining(key: BudgetKey, remaining: number): Promise<void> {
    await preparedQuery(this.dataSource, OBSERVE_REMAINING, [
      key.api,
      key.operation,
      key.sellerAccount,
      remaining,
    ]);
  }

  async setRate(
    key: BudgetKey,
    ratePerSecond: number,
    spacing: { intervalMs: number; toleranceMs: number },
  ): Promise<void> {
    await preparedQuery(this.dataSource, SET_RATE, [
      key.api,
      key.operation,
      key.sellerAccount,
      ratePerSecond,
      spacing.intervalMs,
      spacing.toleranceMs,
    ]);
  }
}

function byKey(a: BudgetKey, b: BudgetKey): number {
  return (
    a.api.localeCompare(b.api) ||
    a.operation.localeCompare(b.operation) ||
    a.sellerAccount.localeCompare(b.sellerAccount)
  );
}
