// Lets kafkajs fetch a partition's next batch while the current one is still in its transaction: a
// partition's batches run in offset order in its lane; a job that fails or declines ends the lane.

/** One step of a lane: resolves true to go on, false to stop the lane quietly; a rejection stops it too. */
export type LaneJob = () => Promise<boolean>;

interface Lane {
  generation: number;
  /** Resolves true once every job so far succeeded, false once one of them stopped the lane. */
  tail: Promise<boolean>;
}

export class PartitionLanes {
  private readonly lanes = new Map<string, Lane>();
  private generation = 0;

  constructor(private readonly onFailure: (key: string, error: unknown) => void) {}

  /** The group was (re)joined: later jobs start fresh lanes, behind whatever the old ones still run. */
  nextGeneration(): void {
    this.generation += 1;
  }

  /**
   * Queues the jobs behind the partition's earlier ones and resolves once those earlier ones are done (not
   * these), which is when the caller may let its consumer fetch again.
   */
  async enqueue(key: string, jobs: LaneJob[]): Promise<void> {
    let lane = this.lanes.get(key);
    if (lane && lane.generation !== this.generation) {
      await lane.tail;
      lane = undefined;
    }
    const before = lane?.tail ?? Promise.resolve(true);
    let tail = before;
    for (const job of jobs) {
      tail = tail.then((ok) =>
        ok
          ? job().catch((error: unknown) => {
              this.onFailure(key, error);
              return false;
            })
          : false,
      );
    }
    this.lanes.set(key, { generation: this.generation, tail });
    await before;
  }

  /** Resolves when every job has finished or been skipped, including jobs queued while it waits. */
  async settled(): Promise<void> {
    for (;;) {
      const tails = [...this.lanes.values()].map((lane) => lane.tail);
      await Promise.all(tails);
      const now = [...this.lanes.values()].map((lane) => lane.tail);
      if (now.length === tails.length && now.every((tail, i) => tail === tails[i])) return;
    }
  }
}
