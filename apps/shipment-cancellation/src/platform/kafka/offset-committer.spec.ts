import { OffsetCommitter, type PartitionOffset } from './offset-committer';

const at = (partition: number, offset: number): PartitionOffset => ({
  topic: 't',
  partition,
  offset: String(offset),
});

function recorder(failures = 0) {
  const commits: string[][] = [];
  const events: string[] = [];
  let left = failures;
  const commit = (offsets: PartitionOffset[]) => {
    commits.push(offsets.map((o) => `${o.partition}:${o.offset}`).sort());
    if (left > 0) {
      left -= 1;
      return Promise.reject(new Error('coordinator not available'));
    }
    return Promise.resolve();
  };
  const report = (event: { kind: string }) => void events.push(event.kind);
  return { commits, events, commit, report };
}

describe('OffsetCommitter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('commits once per interval, the highest mark of each partition', async () => {
    const r = recorder();
    const committer = new OffsetCommitter(r.commit, 200, r.report);
    committer.mark(at(0, 5));
    committer.mark(at(1, 3));
    committer.mark(at(0, 9));
    committer.mark(at(0, 7)); // older than what is marked: ignored
    await jest.advanceTimersByTimeAsync(199);
    expect(r.commits).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(r.commits).toEqual([['0:9', '1:3']]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(r.commits).toHaveLength(1); // nothing new marked, nothing sent
  });

  it('keeps a failed commit for the next interval, unless a newer mark replaced it, and reports the streak once', async () => {
    const r = recorder(2);
    const committer = new OffsetCommitter(r.commit, 100, r.report);
    committer.mark(at(0, 4));
    committer.mark(at(1, 2));
    await jest.advanceTimersByTimeAsync(100);
    committer.mark(at(1, 6));
    await jest.advanceTimersByTimeAsync(100);
    await jest.advanceTimersByTimeAsync(100);
    expect(r.commits).toEqual([
      ['0:4', '1:2'],
      ['0:4', '1:6'],
      ['0:4', '1:6'],
    ]);
    expect(r.events).toEqual(['failed', 'recovered']);
    expect(committer.pending).toBe(0);
  });

  it('drops the marks of partitions a rebalance took away', async () => {
    const r = recorder();
    const committer = new OffsetCommitter(r.commit, 100, r.report);
    committer.mark(at(0, 4));
    committer.mark(at(1, 8));
    committer.retain((_topic, partition) => partition === 1);
    committer.mark(at(0, 9)); // a batch that finished after its partition moved away: not ours to commit
    await jest.advanceTimersByTimeAsync(100);
    expect(r.commits).toEqual([['1:8']]);
  });

  it('commits what is due on close, and schedules nothing after', async () => {
    const r = recorder();
    const committer = new OffsetCommitter(r.commit, 10_000, r.report);
    committer.mark(at(2, 11));
    await committer.close();
    expect(r.commits).toEqual([['2:11']]);
    committer.mark(at(2, 12));
    await jest.advanceTimersByTimeAsync(20_000);
    expect(r.commits).toHaveLength(1);
  });
});
