// Whether each partition this member owns moves on. Lag is measured against what is committed (not what was
// fetched), so a partition whose batch fails again and again shows its lag; and a partition with input waiting
// that has not moved for a while is stalled, with the last error its handler reported.

export interface PartitionRef {
  topic: string;
  partition: number;
}

export interface PartitionState extends PartitionRef {
  /** Messages between the committed offset and the end of the partition. */
  lag: number;
  /** Seconds since the partition last moved on while input was waiting; 0 when nothing waits. */
  stalledSeconds: number;
  lastError: string | null;
}

interface Tracked {
  lastProgressAt: number;
  waitingSince: number | null;
  lastError: string | null;
  warnedAt: number | null;
}

export const keyOf = (p: PartitionRef): string => `${p.topic}|${p.partition}`;

export class PartitionWatch {
  private readonly tracked = new Map<string, Tracked>();

  constructor(
    /** A stall this long (and then once per this long) earns a warning. */
    private readonly warnAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The partitions owned after a rebalance; returns those no longer owned (their gauges go). */
  assign(owned: PartitionRef[]): PartitionRef[] {
    const keep = new Set(owned.map(keyOf));
    const revoked: PartitionRef[] = [];
    for (const key of this.tracked.keys()) {
      if (keep.has(key)) continue;
      this.tracked.delete(key);
      const [topic = '', partition = '0'] = key.split('|');
      revoked.push({ topic, partition: Number(partition) });
    }
    for (const p of owned) if (!this.tracked.has(keyOf(p))) this.tracked.set(keyOf(p), this.fresh());
    return revoked;
  }

  owned(): PartitionRef[] {
    return [...this.tracked.keys()].map((key) => {
      const [topic = '', partition = '0'] = key.split('|');
      return { topic, partition: Number(partition) };
    });
  }

  /** A batch of the partition became durable. */
  progressed(p: PartitionRef): void {
    const t = this.tracked.get(keyOf(p));
    if (!t) return;
    t.lastProgressAt = this.now();
    t.lastError = null;
  }

  /** A batch of the partition failed and will be retried. */
  failed(p: PartitionRef, error: string): void {
    const t = this.tracked.get(keyOf(p));
    if (t) t.lastError = error;
  }

  /** The partition's committed offset and end (high watermark), as last read from the broker. */
  observe(p: PartitionRef, committed: bigint, end: bigint): PartitionState | null {
    const t = this.tracked.get(keyOf(p));
    if (!t) return null;
    const lag = end > committed ? Number(end - committed) : 0;
    const now = this.now();
    if (lag === 0) t.waitingSince = null;
    else t.waitingSince ??= now;
    const since = Math.max(t.waitingSince ?? now, t.lastProgressAt);
    return { ...p, lag, stalledSeconds: Math.floor((now - since) / 1000), lastError: t.lastError };
  }

  /** Whether a stalled partition is due its warning (once per `warnAfterMs`). */
  shouldWarn(state: PartitionState): boolean {
    const t = this.tracked.get(keyOf(state));
    const now = this.now();
    if (!t || state.stalledSeconds * 1000 < this.warnAfterMs) return false;
    if (t.warnedAt !== null && now - t.warnedAt < this.warnAfterMs) return false;
    t.warnedAt = now;
    return true;
  }

  private fresh(): Tracked {
    return { lastProgressAt: this.now(), waitingSince: null, lastError: null, warnedAt: null };
  }
}
