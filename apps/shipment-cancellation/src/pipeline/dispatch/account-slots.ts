// How many carrier calls may be out at once: in total and per (API, seller account), so one throttled account
// cannot take every slot.
import type { CancellationRow } from '../../domain/cancellation';
import { accountKey } from '../../store/claims.store';

type Carrier = CancellationRow['carrier'];

/** A cancellation waiting for a slot, named by the (API, seller account) whose slot it needs. */
export type OfferedItem = { id: string; carrier: Carrier; sellerAccount: string };

/** Slots taken for the cancellations a transaction is creating, before it commits. */
export interface SlotReservation {
  /** Each cancellation given a slot, with the (API, seller account) whose slot it holds: these are leased. */
  leased: ReadonlyMap<string, string>;
  /** The items there was no slot for: offered once the transaction commits. */
  rest: OfferedItem[];
}

/** Counts the slots taken by claims and reservations, per account (keyed by `accountKey`) and in total. */
export class AccountSlots {
  /** Slots held per account; an account holding none has no entry. */
  private readonly held = new Map<string, number>();
  private total = 0;
  /** Calls whose request is written and whose answer is awaited (see `awaiting`). */
  private away = 0;

  constructor(
    /** Calls out at once per account of each API. */
    readonly caps: Readonly<Record<Carrier, number>>,
    private readonly concurrency: number,
    /**
     * Slots held by calls parked on a quota booked ahead (SharedRateBudget.parked): they still count against
     * their account's cap, not against the total, which bounds the calls this process works on at once.
     */
    private readonly parked: () => number = () => 0,
    /** Requests on the wire at most (the carrier connections): calls out beyond the total are bounded by them. */
    private readonly wire: number = concurrency,
  ) {}

  /** Slots held (calls out, and slots reserved for transactions that have not committed yet). */
  get busy(): number {
    return this.total;
  }

  /**
   * Slots left in total. Calls parked on a booked quota, and calls whose request is on the wire, wait on Amazon,
   * not on this process: they leave their places to calls that can go, up to the total plus one call per carrier
   * connection out at once (parked calls aside). Below 0 when a claim's rows came back after a reservation took
   * its room, or waiting calls went back to work (a token came, an answer to read).
   */
  get free(): number {
    const working = this.total - this.parked();
    return Math.min(this.concurrency - (working - this.away), this.concurrency + this.wire - working);
  }

  /** A call's request was written (true) or its answer came (false): see `free`. */
  awaiting(waiting: boolean): void {
    this.away += waiting ? 1 : -1;
  }

  /** Slots an account may still take. */
  roomFor(key: string): number {
    return this.capFor(key) - (this.held.get(key) ?? 0);
  }

  /** The accounts holding slots, each with the room it has left (never below 0), for the claim scan. */
  roomByAccount(): Map<string, number> {
    const room = new Map<string, number>();
    for (const key of this.held.keys()) room.set(key, Math.max(0, this.roomFor(key)));
    return room;
  }

  /** Takes a slot of an account for work already claimed within its room. */
  acquire(key: string): void {
    this.held.set(key, (this.held.get(key) ?? 0) + 1);
    this.total += 1;
  }

  /** Gives back a slot once its call ended (or its reservation went unused). */
  release(key: string): void {
    const left = (this.held.get(key) ?? 0) - 1;
    if (left <= 0) this.held.delete(key);
    else this.held.set(key, left);
    this.total -= 1;
  }

  /**
   * Takes slots for the items while there is room in total (`limit`, at most what is free) and in their accounts,
   * round the accounts one item at a time (as OfferedWork.take does): a backlog's first transaction shares its
   * slots among its sellers instead of giving them to those whose rows come first, whose calls would then wait on
   * their quotas while the others' buckets sit full. The transaction creating the items leases those given a
   * slot. Follow with `commit` if it commits, `rollback` if it does not.
   */
  reserve(items: OfferedItem[], limit = this.free): SlotReservation {
    const byAccount = new Map<string, OfferedItem[]>();
    for (const item of items) {
      const key = accountKey(item);
      const queue = byAccount.get(key);
      if (queue) queue.push(item);
      else byAccount.set(key, [item]);
    }
    const leased = new Map<string, string>();
    let free = limit;
    let progress = true;
    while (free > 0 && progress) {
      progress = false;
      for (const [key, queue] of byAccount) {
        if (free <= 0) break;
        const item = queue[0];
        if (!item || this.roomFor(key) <= 0) continue;
        queue.shift();
        this.acquire(key);
        free -= 1;
        leased.set(item.id, key);
        progress = true;
      }
    }
    return { leased, rest: items.filter((item) => !leased.has(item.id)) };
  }

  /**
   * The reserving transaction committed: returns the rows it leased that hold a reserved slot (to be called),
   * and gives back the slot of any reserved id it did not lease (none should be).
   */
  commit(reservation: SlotReservation, rows: CancellationRow[]): CancellationRow[] {
    const unused = new Map(reservation.leased);
    const reserved: CancellationRow[] = [];
    for (const row of rows) if (unused.delete(row.id)) reserved.push(row);
    for (const key of unused.values()) this.release(key);
    return reserved;
  }

  /** The reserving transaction did not commit: gives back all its slots (nothing it leased exists). */
  rollback(reservation: SlotReservation): void {
    for (const key of reservation.leased.values()) this.release(key);
  }

  private capFor(key: string): number {
    const carrier = key.slice(0, key.indexOf('|')) as Carrier;
    return this.caps[carrier] ?? 1;
  }
}
