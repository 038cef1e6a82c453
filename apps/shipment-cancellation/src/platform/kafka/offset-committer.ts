// Commits consumed offsets off the hot path, at most once per interval. An offset is marked only after the
// handler's transaction committed, so a commit never runs ahead of Postgres. What a crash loses is the last
// interval's commits: those messages come again, and the inbox drops them. In exchange the broker gets one
// OffsetCommit per interval instead of one per batch, and no batch waits for its commit before the next fetch.

export interface PartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read (the last handled offset + 1), as Kafka expects it. */
  offset: string;
}

export class OffsetCommitter {
  private readonly due = new Map<string, PartitionOffset>();
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private failing = false;
  private closed = false;
  private owned: ((topic: string, partition: number) => boolean) | null = null;

  constructor(
    private readonly commit: (offsets: PartitionOffset[]) => Promise<void>,
    private readonly intervalMs: number,
    private readonly report: (event: { kind: 'failed'; error: Error } | { kind: 'recovered' }) => void,
  ) {}

  /** Records that everything before `offset` on the partition is durable; committed within the interval. */
  mark(offset: PartitionOffset): void {
    // A batch that finishes after its partition moved to another member: that member commits it now.
    if (this.owned && !this.owned(offset.topic, offset.partition)) return;
    const key = keyOf(offset);
    const previous = this.due.get(key);
    if (previous && BigInt(previous.offset) >= BigInt(offset.offset)) return;
    this.due.set(key, offset);
    this.schedule();
  }

  /** After a rebalance: offsets of partitions this member no longer owns are the new owner's to commit. */
  retain(owned: (topic: string, partition: number) => boolean): void {
    this.owned = owned;
    for (const [key, offset] of this.due) if (!owned(offset.topic, offset.partition)) this.due.delete(key);
  }

  get pending(): number {
    return this.due.size;
  }

  /** Commits what is due now (after any commit in flight); a failed commit is kept for the next attempt. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.inFlight) await this.inFlight;
    if (this.due.size === 0) return;
    const offsets = [...this.due.values()];
    this.due.clear();
    this.inFlight = this.commit(offsets)
      .then(() => {
        if (this.failing) this.report({ kind: 'recovered' });
        this.failing = false;
      })
      .catch((error: unknown) => {
        // Keep what no newer mark replaced; report a streak of failures once, not every interval.
        for (const offset of offsets) if (!this.due.has(keyOf(offset))) this.due.set(keyOf(offset), offset);
        if (!this.failing) this.report({ kind: 'failed', error: error as Error });
        this.failing = true;
        this.schedule();
      })
      .finally(() => {
        this.inFlight = null;
      });
    await this.inFlight;
  }

  /** Stops the timer and commits what is due. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }
}

function keyOf(offset: PartitionOffset): string {
  return `${offset.topic}|${offset.partition}`;
}
