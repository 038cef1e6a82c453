import { type LaneJob, PartitionLanes } from './partition-lanes';

/** A job the test finishes by hand; `log` records when each job starts. */
function gate(log: string[], name: string) {
  let finish: (outcome: boolean | Error) => void = () => undefined;
  const job: LaneJob = () =>
    new Promise<boolean>((resolve, reject) => {
      log.push(name);
      finish = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
    });
  return { job, finish: (outcome: boolean | Error = true) => finish(outcome) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PartitionLanes', () => {
  it("runs a partition's jobs in order, one at a time, and partitions side by side", async () => {
    const log: string[] = [];
    const lanes = new PartitionLanes(() => undefined);
    const [a1, a2, b1] = [gate(log, 'a1'), gate(log, 'a2'), gate(log, 'b1')];
    await lanes.enqueue('a', [a1.job, a2.job]);
    await lanes.enqueue('b', [b1.job]);
    await tick();
    expect(log).toEqual(['a1', 'b1']);
    a1.finish();
    await tick();
    expect(log).toEqual(['a1', 'b1', 'a2']);
  });

  it('holds the caller back only until the partition’s previous batch is done', async () => {
    const log: string[] = [];
    const lanes = new PartitionLanes(() => undefined);
    const [first, second] = [gate(log, 'first'), gate(log, 'second')];
    await lanes.enqueue('a', [first.job]); // nothing before it: returns at once
    let returned = false;
    const queued = lanes.enqueue('a', [second.job]).then(() => (returned = true));
    await tick();
    expect(returned).toBe(false);
    first.finish();
    await queued;
    expect(log).toEqual(['first', 'second']); // the second batch is in work, not finished
  });

  it('runs nothing after a failed or declined job in the same generation, and reports the failure', async () => {
    const log: string[] = [];
    const failures: string[] = [];
    const lanes = new PartitionLanes((key, error) => failures.push(`${key}: ${(error as Error).message}`));
    const [a1, a2, b1, b2] = [gate(log, 'a1'), gate(log, 'a2'), gate(log, 'b1'), gate(log, 'b2')];
    await lanes.enqueue('a', [a1.job, a2.job]);
    await lanes.enqueue('b', [b1.job, b2.job]);
    await tick();
    a1.finish(new Error('database gone'));
    b1.finish(false);
    await lanes.settled();
    expect(log).toEqual(['a1', 'b1']);
    expect(failures).toEqual(['a: database gone']);
    const later = gate(log, 'a3');
    void lanes.enqueue('a', [later.job]);
    await tick();
    expect(log).toEqual(['a1', 'b1']); // still the failed generation
  });

  it('starts a fresh lane in a new generation, after the old lane has settled', async () => {
    const log: string[] = [];
    const lanes = new PartitionLanes(() => undefined);
    const [old, fresh] = [gate(log, 'old'), gate(log, 'fresh')];
    await lanes.enqueue('a', [old.job]);
    await tick();
    lanes.nextGeneration();
    const queued = lanes.enqueue('a', [fresh.job]);
    await tick();
    expect(log).toEqual(['old']);
    old.finish(new Error('consumer stopped'));
    await queued;
    await tick();
    expect(log).toEqual(['old', 'fresh']);
  });

  it('settles once every job has finished, including jobs queued while it waits', async () => {
    const log: string[] = [];
    const lanes = new PartitionLanes(() => undefined);
    const [first, second] = [gate(log, 'first'), gate(log, 'second')];
    await lanes.enqueue('a', [first.job]);
    let settled = false;
    const done = lanes.settled().then(() => (settled = true));
    const queued = lanes.enqueue('b', [second.job]);
    first.finish();
    await queued;
    await tick();
    expect(settled).toBe(false);
    second.finish();
    await done;
    expect(log).toEqual(['first', 'second']);
  });
});
