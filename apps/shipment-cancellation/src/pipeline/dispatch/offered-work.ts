// Cancellations this instance created and offered itself: claimed by id as their accounts get room.
import { accountKey } from '../../store/claims.store';
import type { OfferedItem } from './account-slots';

/** Offered cancellation ids per (API, seller account), oldest first. */
export class OfferedWork {
  private readonly byAccount = new Map<string, string[]>();
  private waiting = 0;

  /** How many offered ids wait for a slot. */
  get size(): number {
    return this.waiting;
  }

  add(items: OfferedItem[]): void {
    for (const item of items) {
      const key = accountKey(item);
      const queue = this.byAccount.get(key);
      if (queue) queue.push(item.id);
      else this.byAccount.set(key, [item.id]);
    }
    this.waiting += items.length;
  }

  /** How many ids `take` could hand out now within each account's room, counted up to `enough`. */
  ready(roomFor: (key: string) => number, enough: number): number {
    let ready = 0;
    for (const [key, queue] of this.byAccount) {
      ready += Math.min(queue.length, Math.max(0, roomFor(key)));
      if (ready >= enough) return ready;
    }
    return ready;
  }

  /**
   * Takes up to `limit` ids, oldest first within an account, no more of an account than `roomFor` allows, and
   * round the accounts one id at a time: free slots are shared among sellers instead of going to whichever
   * account was offered first (whose calls would then wait on its quota while the others' sellers idle). An
   * account served moves to the back, so the next take starts with the others.
   */
  take(limit: number, roomFor: (key: string) => number): string[] {
    const ids: string[] = [];
    const room = new Map<string, number>();
    let progress = true;
    while (ids.length < limit && progress) {
      progress = false;
      for (const [key, queue] of [...this.byAccount]) {
        if (ids.length >= limit) break;
        const left = room.get(key) ?? roomFor(key);
        if (left <= 0) continue;
        ids.push(queue.shift() as string);
        room.set(key, left - 1);
        progress = true;
        this.byAccount.delete(key);
        if (queue.length > 0) this.byAccount.set(key, queue);
      }
    }
    this.waiting -= ids.length;
    return ids;
  }
}
