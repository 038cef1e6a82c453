// The carrier quotas as one budget for every instance: each HTTP attempt takes a token granted by the GCRA
// schedule kept in Postgres (store/budget.store.ts). Waiting calls are pooled per quota, and one statement at a
// time asks for all of them, so a busy quota costs one statement per half horizon, not one per call.
//
// A token has two times on Postgres's clock: when it is free (a_k, never before the statement's clock plus a
// lead) and its theoretical arrival time (TAT_k, the schedule's state before it: a_k for a paced token, later
// for one taken from a full bucket). It is sent no earlier than a_k and no later than TAT_k plus half the margin;
// the other half absorbs the network's jitter. Sends within those windows never exceed a bucket of the full
// burst, in any order and however the instances interleave: by induction on k, the carrier's own schedule (with
// the margin as extra tolerance) stays within the margin of ours as long as each token arrives by TAT_k plus the
// margin. So a burst may go out over fresh connections, which take a while to open, and a paced token (burst 1)
// keeps a window of a few ms. A grant from a full bucket starts the schedule one margin after the tokens' free
// time (the slack, never more than the tolerance, so a_k is unchanged): its first tokens then have a margin and a
// half to be written instead of half a margin, for a margin's worth of the burst.
//
// StoreClock maps Postgres's times to this process's clock from the bounds every statement gives, never early and
// as precise as the quickest statement seen lately. The lead, the statements' recent round trip, keeps the
// first tokens of a full bucket usable when a slow answer arrives. A token that comes too late is dropped, never
// used, and so is a request that could not reach a socket before its window closed (every connection busy): a
// slow Postgres, a stalled process or a full connection pool costs throughput, never a 429. An instance that
// dies holding tokens loses at most one horizon of them.
//
// Which token a request uses is settled when it is written, not when it is released: the request that reaches a
// socket takes the open token that closes first among those released and not yet written (its own, or one it
// swaps with a request still waiting for a connection, which gets the later-closing one). Requests reach their
// sockets in an order nobody knows at release (fresh connections, a busy loop), and a burst's tokens close one
// interval apart; earliest-deadline-first wastes none of them that any order of writes could have used.
import { Logger } from '@nestjs/common';
import {
  gcraSpacing,
  type AcquireResult,
  type BucketKey,
  type QuotaReport,
  type RateBudget,
  type RateBudgetSettings,
} from '@oms/carrier-cancel';
import type { MetricsService } from '../../platform/metrics/metrics.service';
import type { BudgetStore, TokenGrant } from '../../store/budget.store';
import { StoreClock } from './store-clock';

/** The statements the budget runs (store/budget.store.ts). */
export type BudgetStatements = Pick<
  BudgetStore,
  'ensure' | 'grant' | 'drain' | 'observeRemaining' | 'setRate' | 'readClock'
>;

export interface SharedBudgetOptions {
  /** Tokens are granted up to this far ahead: fewer statements, more lost if the instance dies. */
  horizonMs: number;
  metrics?: MetricsService;
  /** A call began to wait on a quota booked ahead (see `parked`): the worker may start another in its place. */
  onParked?: () => void;
}

interface Waiter {
  resolve(result: AcquireResult): void;
  queuedAt: number;
  deadline: number;
  timer: NodeJS.Timeout | null;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** A granted token: usable from `at` until `sendBy` (local clock). */
interface Token {
  at: number;
  sendBy: number;
}

/** A token handed to a call whose request is not written yet: the token may still change hands (see commit). */
interface Claim {
  token: Token;
}

/** One quota as this instance sees it. */
interface Quota {
  key: BucketKey;
  waiting: Waiter[];
  tokens: Token[];
  /** Released to a call, the request not written yet. */
  claims: Set<Claim>;
  /** Handed to a waiting call, to be released at the token's time. */
  releasing: number;
  /** When the schedule's next free token is (local clock), as of the last grant. */
  nextFreeAt: number;
  ratePerSecond: number;
  intervalMs: number;
}

const RETRY_MS = [50, 200, 1_000, 2_000];
/** Between two statements for the same waiting calls, so a quota short of tokens never spins. */
const MIN_GAP_MS = 2;
/** The lead never dates tokens further ahead than this: a statement slower than it loses its tokens. */
const MAX_LEAD_MS = 100;
/** With no statement answered for this long, Postgres's clock is read again (see `start`). */
const CLOCK_READ_MS = 1_000;
/** A quota paced at least this far apart (ms) presses its calls' writes on the process (see `pressing`). */
const PRESSING_INTERVAL_MS = 1;
/** Per statement, the remembered peak round trip shrinks by this factor (a spike is forgotten in about 20). */
const ROUND_TRIP_DECAY = 0.9;

export class SharedRateBudget implements RateBudget {
  private readonly logger = new Logger('CarrierBudget');
  private readonly quotas = new Map<string, Quota>();
  /** The quotas of each (API, seller account), keyed as `api|sellerAccount` (the worker's account key). */
  private readonly byAccount = new Map<string, Quota[]>();
  private readonly ensured = new Set<string>();
  /** Quotas whose insert is under way, with it. */
  private readonly ensuring = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private pumping = false;
  private failures = 0;
  private waiters = 0;
  private readonly storeClock = new StoreClock();
  /** The grant statements' round trip, held at its recent peak (decaying): the lead tokens are dated ahead by. */
  private roundTripMs = 0;
  private clockTimer: NodeJS.Timeout | null = null;
  private readingClock = false;

  constructor(
    private readonly store: BudgetStatements,
    private readonly settings: RateBudgetSettings,
    private readonly options: SharedBudgetOptions,
  ) {}

  acquire(key: BucketKey, maxWaitMs: number, signal?: AbortSignal): Promise<AcquireResult> {
    if (signal?.aborted) return Promise.resolve({ kind: 'aborted' });
    const quota = this.quota(key);
    const now = this.now();
    // A wait the schedule already says is too long is refused at once, as the local bucket does.
    const expected = quota.nextFreeAt + quota.waiting.length * quota.intervalMs - now;
    if (quota.tokens.length === 0 && expected > maxWaitMs) {
      return Promise.resolve({ kind: 'too_late', waitMs: Math.ceil(expected) });
    }
    return new Promise<AcquireResult>((resolve) => {
      this.waiters += 1;
      const waiter: Waiter = { resolve, queuedAt: now, deadline: now + maxWaitMs, timer: null, signal };
      if (signal) {
        waiter.onAbort = () => this.settle(quota, waiter, { kind: 'aborted' });
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      quota.waiting.push(waiter);
      this.serve(quota);
      if (quota.waiting.includes(waiter)) {
        waiter.timer = setTimeout(() => this.expire(quota, waiter), Math.max(0, maxWaitMs));
        this.schedulePump(this.refillInMs(quota, now));
        if (quota.nextFreeAt > now) this.options.onParked?.();
      }
    });
  }

  /**
   * Work for these quotas is on its way (a transaction is creating it): the quotas this instance has not used
   * yet are created now, beside that transaction, so that their first calls' grant does not wait for the insert.
   */
  prepare(keys: readonly BucketKey[]): void {
    const fresh = new Set<Quota>();
    for (const key of keys) {
      const quota = this.quota(key);
      if (!this.ensured.has(quotaId(quota.key))) fresh.add(quota);
    }
    if (fresh.size > 0) this.background('ensure', this.ensure([...fresh]));
  }

  /** Calls waiting for a token, or holding one not yet due. */
  get waiting(): number {
    return this.waiters;
  }

  /** Whether calls wait for a quota whose schedule is booked ahead: then the quota, not this instance, sets the pace. */
  get quotaBound(): boolean {
    if (this.waiters === 0) return false;
    const now = this.now();
    for (const quota of this.quotas.values()) if (quota.nextFreeAt > now) return true;
    return false;
  }

  /**
   * Calls with no token yet on a quota whose schedule is booked ahead: the quota holds them back until a later
   * refill, not this process, so they need none of the worker's slots while they wait (`AccountSlots`).
   */
  get parked(): number {
    if (this.waiters === 0) return 0;
    const now = this.now();
    let parked = 0;
    for (const quota of this.quotas.values()) if (quota.nextFreeAt > now) parked += quota.waiting.length;
    return parked;
  }

  /**
   * How long the call released longest ago has waited to write its request since its token opened, among those
   * whose token is still open (0 when none waits): a process too busy to write what it was granted.
   */
  get unwrittenMs(): number {
    const now = this.now();
    let oldest = now;
    for (const quota of this.quotas.values())
      for (const { token } of quota.claims) if (!hasClosed(token, now)) oldest = Math.min(oldest, token.at);
    return now - oldest;
  }

  /**
   * Whether requests of a paced quota must be written soon or lose their tokens: calls hold tokens still open
   * (released or still to be), or wait for tokens due now. Those tokens are usable within a window, a burst's for
   * a few hundred ms, and one that closes unwritten is lost: the seller's schedule has moved past it. A token that
   * has closed presses no more (a call that gave its request up leaves its claim behind until the quota's next
   * write). A quota paced finer than a ms (no real limit) never presses: its lost tokens cost nothing.
   */
  get pressing(): boolean {
    const now = this.now();
    const live = (token: Token): boolean => !hasClosed(token, now);
    for (const q of this.quotas.values()) {
      if (q.intervalMs < PRESSING_INTERVAL_MS) continue;
      if (q.releasing > 0 || q.tokens.some(live)) return true;
      for (const { token } of q.claims) if (live(token)) return true;
      if (q.waiting.length > 0 && q.nextFreeAt <= now) return true;
    }
    return false;
  }

  /**
   * Whether calls of an (API, seller account), keyed `api|sellerAccount`, wait on a quota booked ahead: another
   * call of the account started now would only wait behind them.
   */
  bookedAhead(account: string): boolean {
    const quotas = this.byAccount.get(account);
    if (!quotas) return false;
    const now = this.now();
    return quotas.some((q) => q.nextFreeAt > now && q.waiting.length > 0);
  }

  nextTokenInMs(key: BucketKey): number {
    const quota = this.quotas.get(quotaId(key));
    if (!quota || quota.tokens.length > 0) return 0;
    return Math.max(0, Math.ceil(quota.nextFreeAt + quota.waiting.length * quota.intervalMs - this.now()));
  }

  throttled(key: BucketKey): void {
    const quota = this.quota(key);
    // Amazon's bucket is empty: tokens held here would only meet more 429s.
    quota.tokens = [];
    quota.claims.clear();
    quota.nextFreeAt = Math.max(quota.nextFreeAt, this.now() + quota.intervalMs);
    this.background('drain', this.store.drain(key));
  }

  observeLimit(key: BucketKey, ratePerSecond: number): number | undefined {
    const quota = this.quota(key);
    const limit = this.settings.limitFor(key.api, key.operation);
    const rate = Math.min(limit.ratePerSecond, ratePerSecond);
    if (rate === quota.ratePerSecond) return undefined;
    const spacing = gcraSpacing(rate, limit.burst, this.settings.marginMs);
    quota.ratePerSecond = rate;
    quota.intervalMs = spacing.intervalMs;
    this.background('rate', this.store.setRate(key, rate, spacing));
    return rate;
  }

  observeQuota(key: BucketKey, report: QuotaReport): void {
    const quota = this.quota(key);
    quota.tokens = quota.tokens.slice(0, report.remaining);
    this.background('quota', this.store.observeRemaining(key, report.remaining));
  }

  /**
   * Keeps the mapping to Postgres's clock precise while no statement runs: Postgres's clock is read whenever a
   * second passed without a statement. A token's time can be mapped no better than the quickest statement seen
   * lately; without this, a burst after a quiet spell (a backlog's first calls) is dated by its own grant, whose
   * round trip under load (tens of ms) comes off the first tokens' windows, and they close unwritten.
   */
  start(): void {
    if (this.clockTimer) return;
    void this.readClock();
    this.clockTimer = setInterval(() => {
      if (this.now() - this.storeClock.observedAt >= CLOCK_READ_MS) void this.readClock();
    }, CLOCK_READ_MS);
    this.clockTimer.unref();
  }

  /** Stops asking for tokens; waiting calls run into their deadlines. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.clockTimer) clearInterval(this.clockTimer);
    this.clockTimer = null;
  }

  private async readClock(): Promise<void> {
    if (this.readingClock) return;
    this.readingClock = true;
    const sent = this.now();
    try {
      const storeNowMs = await this.store.readClock();
      if (Number.isFinite(storeNowMs)) this.storeClock.observe(storeNowMs, sent, this.now());
    } catch {
      // The next grant reads the clock too; a failing Postgres shows there.
    } finally {
      this.readingClock = false;
    }
  }

  private quota(key: BucketKey): Quota {
    const id = quotaId(key);
    let quota = this.quotas.get(id);
    if (!quota) {
      const limit = this.settings.limitFor(key.api, key.operation);
      const { intervalMs } = gcraSpacing(limit.ratePerSecond, limit.burst, this.settings.marginMs);
      quota = {
        key: { ...key },
        waiting: [],
        tokens: [],
        claims: new Set(),
        releasing: 0,
        nextFreeAt: 0,
        ratePerSecond: limit.ratePerSecond,
        intervalMs,
      };
      this.quotas.set(id, quota);
      const account = `${key.api}|${key.sellerAccount}`;
      this.byAccount.set(account, [...(this.byAccount.get(account) ?? []), quota]);
    }
    return quota;
  }

  /** Hands held tokens to waiters, oldest first; each is released at its token's time. */
  private serve(quota: Quota): void {
    const now = this.now();
    const held = quota.tokens.length;
    quota.tokens = quota.tokens.filter((t) => !hasClosed(t, now));
    // Closed before a waiter could take them (a slow statement, a busy loop): as expired as a late release.
    if (quota.tokens.length < held)
      this.options.metrics?.budgetTokens.inc(
        { carrier: quota.key.api, result: 'expired' },
        held - quota.tokens.length,
      );
    while (quota.waiting.length > 0 && quota.tokens.length > 0) {
      const waiter = quota.waiting.shift() as Waiter;
      const token = quota.tokens.shift() as Token;
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.timer = null;
      quota.releasing += 1;
      const release = (): void => {
        // Timers may fire a little early (the loop's clock is cached): a token is never used before its time.
        const early = token.at - this.now();
        if (early > 0) {
          setTimeout(release, Math.ceil(early));
          return;
        }
        quota.releasing -= 1;
        if (this.now() > token.sendBy) {
          // Too late to send safely (a busy event loop): drop the token, wait for another.
          this.options.metrics?.budgetTokens.inc({ carrier: quota.key.api, result: 'expired' });
          quota.waiting.unshift(waiter);
          waiter.timer = setTimeout(
            () => this.expire(quota, waiter),
            Math.max(0, waiter.deadline - this.now()),
          );
          this.schedulePump(0);
          return;
        }
        const claim: Claim = { token };
        quota.claims.add(claim);
        this.settle(quota, waiter, {
          kind: 'acquired',
          waitedMs: Math.round(this.now() - waiter.queuedAt),
          // The transport asks right before writing: a request queued for a connection too long is not written.
          mayWrite: () => this.commit(quota, claim),
          canWrite: () => this.writable(quota, claim),
        });
      };
      const delay = token.at - now;
      if (delay <= 0) release();
      else setTimeout(release, delay);
    }
  }

  /**
   * A released call's request is about to be written: it goes with the open token that closes first among the
   * claims not yet written (swapping with the claim that held it), or not at all if none is open. Claims whose
   * token has closed are dropped on the way: their requests will not be written.
   */
  private commit(quota: Quota, claim: Claim): boolean {
    const now = this.now();
    const best = quota.claims.delete(claim) ? this.openClaim(quota, claim, now) : null;
    if (best === null) {
      this.options.metrics?.budgetTokens.inc({ carrier: quota.key.api, result: 'expired' });
      return false;
    }
    if (best !== claim) [best.token, claim.token] = [claim.token, best.token];
    return true;
  }

  /** Whether `commit` would let the claim's request be written now (it changes nothing). */
  private writable(quota: Quota, claim: Claim): boolean {
    if (!quota.claims.has(claim)) return false;
    const now = this.now();
    for (const other of quota.claims) if (isOpen(other.token, now)) return true;
    return false;
  }

  /** The claim whose open token closes first: `claim` itself or one still waiting for a connection. */
  private openClaim(quota: Quota, claim: Claim, now: number): Claim | null {
    let best: Claim | null = isOpen(claim.token, now) ? claim : null;
    for (const other of quota.claims) {
      if (hasClosed(other.token, now)) quota.claims.delete(other);
      else if (isOpen(other.token, now) && (best === null || other.token.sendBy < best.token.sendBy))
        best = other;
    }
    return best;
  }

  private settle(quota: Quota, waiter: Waiter, result: AcquireResult): void {
    if (waiter.timer) clearTimeout(waiter.timer);
    waiter.timer = null;
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    const index = quota.waiting.indexOf(waiter);
    if (index >= 0) quota.waiting.splice(index, 1);
    this.waiters -= 1;
    waiter.resolve(result);
  }

  private expire(quota: Quota, waiter: Waiter): void {
    const waitMs = Math.max(0, quota.nextFreeAt - this.now());
    this.settle(quota, waiter, { kind: 'too_late', waitMs: Math.ceil(waitMs) });
  }

  /**
   * When to ask for a quota's next tokens: once its schedule's next free token is within half the horizon. Each
   * statement then books about half a horizon of tokens while the held ones still cover the other half; asking
   * sooner (a call that starts waiting on a quota booked ahead, or a grant cut short by the horizon) would only
   * run statements that grant nothing.
   */
  private refillInMs(quota: Quota, now: number): number {
    return Math.max(0, quota.nextFreeAt - this.options.horizonMs / 2 - now);
  }

  private schedulePump(delayMs: number): void {
    if (this.pumping) return;
    const at = this.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      void this.pump();
    }, delayMs);
  }

  /** One statement for every quota with calls waiting and no token for them. */
  private async pump(): Promise<void> {
    const wanting = [...this.quotas.values()].filter((q) => q.waiting.length > q.tokens.length);
    if (wanting.length === 0) return;
    this.pumping = true;
    let next = Infinity;
    try {
      await this.ensure(wanting);
      const started = this.now();
      const requests = wanting.map((q) => ({ ...q.key, wanted: q.waiting.length - q.tokens.length }));
      const lead = this.leadMs();
      // A full bucket's first tokens close soonest (a burst's close one interval apart): the slack of one margin
      // gives them time to reach a socket on a busy process, for a margin's worth of the burst.
      const grants = await this.store.grant(requests, this.options.horizonMs, lead, this.settings.marginMs);
      const received = this.now();
      this.roundTripMs = Math.max(received - started, this.roundTripMs * ROUND_TRIP_DECAY);
      for (const grant of grants) this.storeClock.observe(grant.nowMs, started, received);
      for (const grant of grants) this.take(grant, lead);
      this.failures = 0;
      // Calls the grant left waiting for a later refill are parked now: their places may go to others.
      if (this.parked > 0) this.options.onParked?.();
      // Quotas still short of tokens (or newly waiting) ask again once their next token is due for a refill.
      for (const q of this.quotas.values())
        if (q.waiting.length > q.tokens.length)
          next = Math.min(next, Math.max(MIN_GAP_MS, this.refillInMs(q, received)));
    } catch (error) {
      this.failures += 1;
      next = RETRY_MS[Math.min(this.failures, RETRY_MS.length) - 1] as number;
      if (this.failures === 1 || this.failures % 20 === 0)
        this.logger.warn(
          `taking carrier tokens failed (${this.failures} in a row): ${(error as Error).message}`,
        );
    } finally {
      this.pumping = false;
    }
    if (Number.isFinite(next)) this.schedulePump(next);
  }

  /** How far ahead of its clock the next statement dates tokens: the recent peak round trip, within reason. */
  private leadMs(): number {
    return Math.min(this.options.horizonMs / 2, MAX_LEAD_MS, Math.ceil(this.roundTripMs));
  }

  /**
   * Converts a grant to local times and serves the waiters: a token is usable from the latest local time its
   * free time can be (never early) until half the margin after the earliest its theoretical arrival time can be
   * (never late).
   */
  private take(grant: TokenGrant, leadMs: number): void {
    const quota = this.quotas.get(quotaId(grant));
    if (!quota) return;
    const clock = this.storeClock;
    const theoretical = grant.nowMs + grant.firstMs + grant.toleranceMs;
    for (let k = 0; k < grant.granted; k++) {
      const free = grant.nowMs + Math.max(leadMs, grant.firstMs + k * grant.intervalMs);
      quota.tokens.push({
        at: clock.notBefore(free),
        sendBy: clock.notAfter(theoretical + k * grant.intervalMs) + this.settings.marginMs / 2,
      });
    }
    quota.nextFreeAt = clock.notBefore(grant.nowMs + grant.nextMs);
    quota.intervalMs = grant.intervalMs;
    quota.ratePerSecond = grant.ratePerSecond;
    this.options.metrics?.budgetTokens.inc({ carrier: grant.api, result: 'granted' }, grant.granted);
    this.serve(quota);
  }

  /**
   * Creates the quotas this instance has not used yet, at their configured limits; a quota whose insert is under
   * way (see `prepare`) is waited for, not inserted again.
   */
  private ensure(quotas: Quota[]): Promise<void> {
    const waits: Promise<void>[] = [];
    const fresh: Quota[] = [];
    for (const q of quotas) {
      const id = quotaId(q.key);
      if (this.ensured.has(id)) continue;
      const pending = this.ensuring.get(id);
      if (pending) waits.push(pending);
      else fresh.push(q);
    }
    if (fresh.length > 0) {
      const ids = fresh.map((q) => quotaId(q.key));
      const insert = this.store
        .ensure(
          fresh.map((q) => {
            const limit = this.settings.limitFor(q.key.api, q.key.operation);
            const spacing = gcraSpacing(limit.ratePerSecond, limit.burst, this.settings.marginMs);
            return { ...q.key, configuredRate: limit.ratePerSecond, burst: limit.burst, ...spacing };
          }),
        )
        .then(() => ids.forEach((id) => this.ensured.add(id)))
        .finally(() => ids.forEach((id) => this.ensuring.delete(id)));
      for (const id of ids) this.ensuring.set(id, insert);
      waits.push(insert);
    }
    return waits.length === 0 ? Promise.resolve() : Promise.all(waits).then(() => undefined);
  }

  private background(what: string, work: Promise<void>): void {
    work.catch((error: Error) => this.logger.warn(`carrier budget ${what} update failed: ${error.message}`));
  }

  private now(): number {
    return this.settings.clock.now();
  }
}

/** Whether the token's window has closed by `now`: a request may no longer go with it, ever. */
function hasClosed(token: Token, now: number): boolean {
  return token.sendBy < now;
}

/** Whether a request written at `now` may go with the token. */
function isOpen(token: Token, now: number): boolean {
  return token.at <= now && now <= token.sendBy;
}

function quotaId(key: BucketKey): string {
  return `${key.api}\u0000${key.operation}\u0000${key.sellerAccount}`;
}
