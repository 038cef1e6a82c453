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

  /** Takes up to `limit` ids, oldest first within an account, no more of an account than `roomFor` allows. */
  take(limit: number, roomFor: (key: string) => number): string[] {
    const ids: string[] = [];
    for (const [key, queue] of this.byAccount) {
      const room = Math.min(limit - ids.length, roomFor(key));
      if (room <= 0) continue;
      for (const id of queue.splice(0, room)) ids.push(id);
      if (queue.length === 0) this.byAccount.delete(key);
      if (ids.length >= limit) break;
    }
    this.waiting -= ids.length;
    return ids;
  }
}
