import { applyIsolating } from './input-isolation';

class Refused extends Error {}

/** A handler that refuses every batch holding a poison message and records what it applied, in order. */
function handler(poison: Set<number>, transientOnce = new Set<number>()) {
  const applied: number[] = [];
  const tries = new Map<number, number>();
  const deadLettered: number[] = [];
  const run = async (batch: number[]) => {
    for (const m of batch) tries.set(m, (tries.get(m) ?? 0) + 1);
    const transient = batch.find((m) => transientOnce.delete(m));
    if (transient !== undefined) throw new Error(`connection lost at ${transient}`);
    if (batch.some((m) => poison.has(m))) throw new Refused('numeric field overflow');
    applied.push(...batch);
  };
  const how = {
    first: run,
    again: run,
    isRefusedInput: (e: unknown) => e instanceof Refused,
    deadLetter: async (m: number) => void deadLettered.push(m),
  };
  return { how, applied, tries, deadLettered };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('applyIsolating', () => {
  it('applies a clean batch in one call', async () => {
    const h = handler(new Set());
    await applyIsolating(range(40), h.how);
    expect(h.applied).toEqual(range(40));
    expect(Math.max(...h.tries.values())).toBe(1);
  });

  it('dead-letters exactly the refused messages and applies the rest in offset order', async () => {
    const h = handler(new Set([3, 17, 18, 39]));
    await applyIsolating(range(40), h.how);
    expect(h.deadLettered).toEqual([3, 17, 18, 39]);
    expect(h.applied).toEqual(range(40).filter((m) => ![3, 17, 18, 39].includes(m)));
    // in its batch, in its part, alone: never more than three tries
    expect(Math.max(...h.tries.values())).toBeLessThanOrEqual(3);
  });

  it('dead-letters a batch of one at its second try', async () => {
    const h = handler(new Set([0]));
    await applyIsolating([0], h.how);
    expect(h.deadLettered).toEqual([0]);
    expect(h.tries.get(0)).toBe(2);
  });

  it('throws a transient failure (the partition stalls and is retried), without dead-lettering', async () => {
    const h = handler(new Set(), new Set([5]));
    await expect(applyIsolating(range(10), h.how)).rejects.toThrow('connection lost at 5');
    expect(h.deadLettered).toEqual([]);
    await applyIsolating(range(10), h.how);
    expect(h.applied).toEqual(range(10));
  });

  it('throws a transient failure met while isolating, leaving later messages unapplied', async () => {
    const h = handler(new Set([2]), new Set());
    h.how.again = async (batch) => {
      if (batch.includes(7)) throw new Error('connection lost');
      await h.how.first(batch);
    };
    await expect(applyIsolating(range(10), h.how)).rejects.toThrow('connection lost');
    expect(h.applied).toEqual([0, 1, 3, 4, 5, 6]);
    expect(h.deadLettered).toEqual([2]);
  });
});
