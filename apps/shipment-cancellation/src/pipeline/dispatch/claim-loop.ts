// The loop that fills free slots: offered work first (claimed by id, no scan), and a scan for due work
// (retries, follow-ups, other instances' leftovers) once per poll interval or on a wake-up.
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../platform/config/config';
import { WakeSignal } from '../../platform/scheduling/wake-signal';
import type { CancellationRow } from '../../domain/cancellation';
import { accountKey, type ClaimsStore } from '../../store/claims.store';
import type { AccountSlots, OfferedItem } from './account-slots';
import { OfferedWork } from './offered-work';

/** With few slots free, wait this long for more calls to end: claiming per ended call costs a query each. */
const CLAIM_COALESCE_MS = 5;
/**
 * The same while calls wait for the carrier's quota: slots then free up at its rate, and the calls already
 * waiting keep the quota busy for much longer than this.
 */
const CLAIM_COALESCE_BOUND_MS = 50;

/** Claims work into free slots and hands each claimed row, its slot taken, to `run`. */
export class ClaimLoop {
  private readonly logger = new Logger('CarrierWorker');
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly signal = new WakeSignal();
  private readonly offered = new OfferedWork();
  private coalesced = false;
  /** When the last scan for due work ran, and whether another is wanted before the poll comes round. */
  private lastScanAt = 0;
  private scanWanted = true;

  constructor(
    private readonly store: ClaimsStore,
    private readonly slots: AccountSlots,
    private readonly settings: Pick<AppConfig['worker'], 'concurrency' | 'pollIntervalMs' | 'leaseMs'>,
    /** Runs a claimed row, whose slot the loop has taken. */
    private readonly run: (row: CancellationRow) => void,
    /** Whether calls wait for the carrier's quota (see SharedRateBudget.quotaBound). */
    private readonly quotaBound: () => boolean = () => false,
    /** Whether an account's calls wait on its quota booked ahead (see SharedRateBudget.bookedAhead). */
    private readonly bookedAhead: (account: string) => boolean = () => false,
  ) {}

  get active(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.claimWhileRunning();
  }

  /** Stops claiming; resolves once the claim in progress (if any) has handed its rows over. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** New work may be due: scan for it now instead of at the next poll. */
  wake(): void {
    this.scanWanted = true;
    this.signal.notify();
  }

  /**
   * Cancellations this instance just created, claimed by id as slots free up. Only a hint: they are pending
   * in Postgres too, and any claimer may take them instead.
   */
  offer(items: OfferedItem[]): void {
    this.offered.add(items);
    this.signal.notify();
  }

  /**
   * Free slots a transaction creating new cancellations may reserve for them: those no offered work is waiting
   * for. Work already committed goes first; a slot reserved now idles until the reserving transaction commits.
   */
  reservable(): number {
    const free = this.slots.free;
    if (free <= 0 || this.offered.size === 0) return Math.max(0, free);
    return Math.max(0, free - this.offered.ready((key) => this.slots.roomFor(key), free));
  }

  /** Offered calls not claimed yet: waiting for a slot, or for room in their account. */
  get offeredWaiting(): number {
    return this.offered.size;
  }

  /** A slot was given back: offered work waiting for one may go now. */
  slotFreed(): void {
    if (this.offered.size > 0) this.signal.notify();
  }

  private async claimWhileRunning(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let claimed = 0;
      const free = this.slots.free;
      const scanDue = this.scanWanted || Date.now() - this.lastScanAt >= this.settings.pollIntervalMs;
      // What a claim could take now: offered work within its accounts' room, or any free slot for a scan.
      const few = this.settings.concurrency / 4;
      const claimable = scanDue
        ? free
        : Math.min(
            free,
            this.offered.ready((key) => this.slots.roomFor(key), few),
          );
      if (claimable > 0 && claimable < few && !this.coalesced) {
        this.coalesced = true;
        const pause = this.waitsOnQuotas(scanDue) ? CLAIM_COALESCE_BOUND_MS : CLAIM_COALESCE_MS;
        await new Promise((resolve) => setTimeout(resolve, pause));
        continue;
      }
      this.coalesced = false;
      if (free > 0 && (this.offered.size > 0 || scanDue)) {
        try {
          claimed = await this.claimInto(free, scanDue);
          failures = 0;
        } catch (error) {
          failures += 1;
          this.logger.error(`claiming work failed (${failures} in a row): ${(error as Error).message}`);
        }
      }
      // A full claim means more may be due: go again at once; otherwise wait for a wake-up or the poll.
      if (claimed > 0 && (claimed === free || this.offered.size > 0)) continue;
      const untilScan = this.lastScanAt + this.settings.pollIntervalMs - Date.now();
      const delay = failures > 0 ? Math.min(30_000, 500 * 2 ** failures) : Math.max(1, untilScan);
      await this.signal.wait(delay);
    }
  }

  /**
   * Whether the work a claim could take now would only wait on quotas: calls wait on some quota, and no offered
   * work is for an account whose quota could take a call now. (One seller's deep backlog waiting on its quota
   * must not slow the claims of the others' sellers, whose quotas have room.)
   */
  private waitsOnQuotas(scanDue: boolean): boolean {
    if (!this.quotaBound()) return false;
    if (scanDue) return true;
    return this.offered.ready((key) => (this.bookedAhead(key) ? 0 : this.slots.roomFor(key)), 1) === 0;
  }

  /**
   * Claims offered work into `free` slots, then scans for due work if one is due and room is left (a finished
   * call frees a slot but makes nothing new due). Returns how many rows it claimed.
   */
  private async claimInto(free: number, scanDue: boolean): Promise<number> {
    const ids = this.offered.size > 0 ? this.offered.take(free, (key) => this.slots.roomFor(key)) : [];
    const offered = ids.length > 0 ? await this.store.claimByIds(ids, this.settings.leaseMs) : [];
    for (const row of offered) this.take(row);
    let claimed = offered.length;
    if (claimed < free && scanDue) {
      const room = free - claimed;
      this.scanWanted = false;
      this.lastScanAt = Date.now();
      const due = await this.store.claimDue({
        limit: room,
        roomByAccount: this.slots.roomByAccount(),
        caps: this.slots.caps,
        leaseMs: this.settings.leaseMs,
      });
      // A full scan means more may be due: scan again at once.
      this.scanWanted = due.length === room;
      for (const row of due) this.take(row);
      claimed += due.length;
    }
    return claimed;
  }

  /** Takes the slot of a claimed row and runs it. */
  private take(row: CancellationRow): void {
    this.slots.acquire(accountKey(row));
    this.run(row);
  }
}
