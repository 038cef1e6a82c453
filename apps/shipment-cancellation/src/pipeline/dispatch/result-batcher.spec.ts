import type { CarrierResult } from '../../domain/carrier-result';
import { APPLY_BATCH, APPLY_LINGER_MS, ResultBatcher } from './result-batcher';

// Only the row id matters to the batcher.
const result = (id: string) => ({ row: { id }, operation: 'cancel' }) as unknown as CarrierResult;

describe('ResultBatcher', () => {
  let batches: string[][];
  let apply: jest.Mock<Promise<void>, [CarrierResult[]]>;
  let errors: jest.Mock;
  let lingering: boolean;
  let bound: boolean;
  let batcher: ResultBatcher;

  beforeEach(() => {
    // Fake timers freeze performance.now too, so how long a result has lingered is up to the test.
    jest.useFakeTimers();
    batches = [];
    apply = jest.fn((batch: CarrierResult[]) => {
      batches.push(batch.map((r) => r.row.id));
      return Promise.resolve();
    });
    errors = jest.fn();
    lingering = true;
    bound = false;
    batcher = new ResultBatcher(
      apply,
      { error: errors },
      () => lingering,
      () => bound,
    );
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  /** Starts `calls` calls and ends one of them with a result for each id. */
  function answer(calls: number, ids: string[]): void {
    for (let i = 0; i < calls; i += 1) batcher.callStarted();
    for (const id of ids) {
      batcher.add(result(id));
      batcher.callEnded();
    }
  }

  it('applies the results of calls made together in one batch', () => {
    answer(2, ['a']);
    expect(batches).toEqual([]);
    answer(0, ['b']);
    expect(batches).toEqual([['a', 'b']]);
  });

  it('applies a result without the calls still out once it has lingered', async () => {
    answer(2, ['a']);
    await jest.advanceTimersByTimeAsync(APPLY_LINGER_MS - 1);
    expect(batches).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([['a']]);
  });

  it('applies a full batch at once, however many calls are still out', () => {
    for (let i = 0; i <= APPLY_BATCH; i += 1) batcher.callStarted();
    for (let i = 0; i < APPLY_BATCH - 1; i += 1) batcher.add(result(`r${i}`));
    batcher.callEnded();
    expect(batches).toEqual([]);
    batcher.add(result('last'));
    batcher.callEnded();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(APPLY_BATCH);
  });

  it('does not linger once stopping', () => {
    lingering = false;
    answer(2, ['a']);
    expect(batches).toEqual([['a']]);
  });

  it('reports a failing apply and applies the same results again after a pause', async () => {
    apply.mockImplementationOnce(() => Promise.reject(new Error('database down')));
    answer(1, ['a']);
    await jest.advanceTimersByTimeAsync(0);
    expect(errors).toHaveBeenCalledWith('applying 1 carrier results failed: database down');
    expect(batcher.idle).toBe(false);
    await jest.advanceTimersByTimeAsync(400);
    expect(apply).toHaveBeenCalledTimes(2);
    expect(apply.mock.calls[1]?.[0].map((r) => r.row.id)).toEqual(['a']);
    await jest.advanceTimersByTimeAsync(0);
    expect(batcher.idle).toBe(true);
  });

  /** Results of `calls` calls arriving `gapMs` apart, each call ending with its result. */
  async function trickle(calls: number, gapMs: number): Promise<void> {
    for (let i = 0; i < calls; i += 1) batcher.callStarted();
    for (let i = 0; i < calls; i += 1) {
      await jest.advanceTimersByTimeAsync(gapMs);
      batcher.add(result(`r${i}`));
      batcher.callEnded();
    }
  }

  it('applies results one by one when they trickle in and the pace is ours', async () => {
    await trickle(40, 12);
    expect(Math.max(...batches.map((b) => b.length))).toBe(1);
  });

  it('batches trickling results while calls wait for the carrier quota, within its longest linger', async () => {
    bound = true;
    await trickle(40, 12);
    await jest.advanceTimersByTimeAsync(200);
    expect(batches.flat()).toHaveLength(40);
    // After the first few set the pace, results wait for about 8 more (12 ms apart, at most 100 ms).
    expect(batches.length).toBeLessThanOrEqual(10);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(9);
  });
});
