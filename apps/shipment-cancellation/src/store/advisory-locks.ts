// Every advisory lock the service takes. Postgres has one advisory-lock space per database, shared by every
// caller, so the keys live here together where a clash between two of them would show.

/** Seed of `hashtextextended(order_id, seed)`: the per-order lock every writer of an order's cancellations takes. */
export const ORDER_LOCK_SEED = 7411;
/** Seed of `hashtextextended(actor || '\n' || key, seed)`: admin requests sharing an Idempotency-Key take turns. */
export const IDEMPOTENCY_KEY_LOCK_SEED = 7412;
/** Session lock held by the one outbox relay per database; the others stand by. */
export const RELAY_LOCK_ID = 7_411_001;
/** Session lock held by the one instance that runs table upkeep (analyze, vacuum). */
export const UPKEEP_LOCK_ID = 7_411_002;
/** Session lock held by the one instance that deletes old bookkeeping rows. */
export const RETENTION_LOCK_ID = 7_411_003;
/** Session lock held by every migration run (service start, `npm run migrate`) for its whole length. */
export const MIGRATION_LOCK_ID = 7_411_004;
