// The loop that fills free slots: it claims the work this instance offered first (by id, no scan), and scans
// for due work (retries, follow-ups, other instances' leftovers) once per poll interval or on a wake-up.
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../platform/config/config';
import { WakeSignal } from '../../platform/scheduling/wake-signal';
import type { CancellationRow } from '../../domain/cancellation';
import { accountKey, type AccountSlots, type OfferedItem } from './account-slots';
import type { CancellationClaims } from './claim-queries';

const CLAIM_COALESCE_MS = 5;

export class ClaimLoop {
  private readonly logger = new Logger('CarrierWorker');
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly signal = new WakeSignal();
  /** Offered cancellation ids per (API, seller account), oldest first. */
  private readonly offered = new Map<string, string[]>();
  private offeredCount = 0;
  private coalesced = false;
  /** When the last scan for due work ran, and whether another is wanted before the poll comes round. */
  private lastScanAt = 0;
  private scanWanted = true;

  constructor(
    private readonly claims: CancellationClaims,
    private readonly slots: AccountSlots,
    private readonly settings: Pick<AppConfig['worker'], 'concurrency' | 'pollIntervalMs'>,
    /** Runs a claimed row, whose slot the loop has taken. */
    private readonly run: (row: CancellationRow) => void,
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
   * Cancellations this instance just created: claimed by id as slots free up, so the hot path never scans
   * for due work. Only a hint — they are pending in Postgres too, and any claimer may take them instead.
   */
  offer(items: OfferedItem[]): void {
    for (const item of items) {
      const key = accountKey(item);
      const queue = this.offered.get(key);
      if (queue) queue.push(item.id);
      else this.offered.set(key, [item.id]);
    }
    this.offeredCount += items.length;
    this.signal.notify();
  }

  /** A slot was given back: offered work waiting for one may go now. */
  slotFreed(): void {
    if (this.offeredCount > 0) this.signal.notify();
  }

  private async claimWhileRunning(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let claimed = 0;
      const free = this.slots.free;
      // Each finished call frees a slot and wakes us; claiming for one slot at a time would cost a query per
      // call. With few slots free, let a few more finish first.
      if (free > 0 && free < this.settings.concurrency / 4 && !this.coalesced) {
        this.coalesced = true;
        await new Promise((resolve) => setTimeout(resolve, CLAIM_COALESCE_MS));
        continue;
      }
      this.coalesced = false;
      const scanDue = this.scanWanted || Date.now() - this.lastScanAt >= this.settings.pollIntervalMs;
      if (free > 0 && (this.offeredCount > 0 || scanDue)) {
        try {
          // Offered work first; the scan for due work (retries, follow-ups, other instances' leftovers) when
          // nothing is offered, once per poll interval (or at once after a wake() or a full scan): a finished
          // call frees a slot but makes nothing new due.
          const offered = this.offeredCount > 0 ? await this.claimOffered(free) : [];
          for (const row of offered) this.take(row);
          claimed = offered.length;
          if (claimed < free && scanDue) {
            const room = free - claimed;
            this.scanWanted = false;
            this.lastScanAt = Date.now();
            const due = await this.claims.due(room);
            this.scanWanted = due.length === room;
            for (const row of due) this.take(row);
            claimed += due.length;
          }
          failures = 0;
        } catch (error) {
          failures += 1;
          this.logger.error(`claiming work failed (${failures} in a row): ${(error as Error).message}`);
        }
      }
      // A full claim means more may be due: go again at once; otherwise wait for a wake-up or the poll.
      if (claimed > 0 && (claimed === free || this.offeredCount > 0)) continue;
      const untilScan = this.lastScanAt + this.settings.pollIntervalMs - Date.now();
      const delay = failures > 0 ? Math.min(30_000, 500 * 2 ** failures) : Math.max(1, untilScan);
      await this.signal.wait(delay);
    }
  }

  /** Claims offered cancellations by id, within each account's room. */
  private async claimOffered(limit: number): Promise<CancellationRow[]> {
    const ids: string[] = [];
    for (const [key, queue] of this.offered) {
      const room = Math.min(limit - ids.length, this.slots.roomFor(key));
      if (room <= 0) continue;
      const taken = queue.splice(0, room);
      for (const id of taken) ids.push(id);
      if (queue.length === 0) this.offered.delete(key);
      if (ids.length >= limit) break;
    }
    this.offeredCount -= ids.length;
    if (ids.length === 0) return [];
    return this.claims.byIds(ids);
  }

  /** Takes the slot of a claimed row and runs it. */
  private take(row: CancellationRow): void {
    this.slots.acquire(accountKey(row));
    this.run(row);
  }
}
