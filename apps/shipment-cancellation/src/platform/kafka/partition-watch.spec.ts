import { PartitionWatch } from './partition-watch';

describe('PartitionWatch', () => {
  let now = 0;
  const watch = () => new PartitionWatch(60_000, () => now);
  const p0 = { topic: 't', partition: 0 };
  const p1 = { topic: 't', partition: 1 };

  beforeEach(() => (now = 1_000_000));

  it('measures lag from the committed offset, whatever was fetched', () => {
    const w = watch();
    w.assign([p0]);
    expect(w.observe(p0, 10n, 25n)).toMatchObject({ lag: 15, stalledSeconds: 0 });
    expect(w.observe(p0, 25n, 25n)).toMatchObject({ lag: 0 });
  });

  it('counts a stall from when input was waiting and nothing moved, with the last error', () => {
    const w = watch();
    w.assign([p0]);
    w.observe(p0, 10n, 11n);
    now += 30_000;
    w.failed(p0, 'numeric field overflow (SQLSTATE 22003)');
    now += 45_000;
    const state = w.observe(p0, 10n, 12n);
    if (!state) throw new Error('p0 is owned');
    expect(state).toMatchObject({
      lag: 2,
      stalledSeconds: 75,
      lastError: 'numeric field overflow (SQLSTATE 22003)',
    });
    expect(w.shouldWarn(state)).toBe(true);
    expect(w.shouldWarn(state)).toBe(false); // once a minute
    now += 60_000;
    const later = w.observe(p0, 10n, 12n);
    expect(later && w.shouldWarn(later)).toBe(true);
  });

  it('is not stalled while batches keep committing, nor when nothing waits', () => {
    const w = watch();
    w.assign([p0]);
    w.observe(p0, 0n, 1000n);
    now += 90_000;
    w.progressed(p0);
    now += 2_000;
    expect(w.observe(p0, 500n, 1000n)).toMatchObject({ stalledSeconds: 2, lastError: null });
    now += 90_000;
    expect(w.observe(p0, 1000n, 1000n)).toMatchObject({ lag: 0, stalledSeconds: 0 });
  });

  it('forgets revoked partitions and reports them, so their gauges can go', () => {
    const w = watch();
    w.assign([p0, p1]);
    expect(w.assign([p1])).toEqual([p0]);
    expect(w.observe(p0, 0n, 5n)).toBeNull();
    expect(w.owned()).toEqual([p1]);
  });
});
