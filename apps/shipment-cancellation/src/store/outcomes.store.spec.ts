import { APPLY_OUTCOMES, applyOutcomesParams } from './outcomes.store';

describe('the apply statement', () => {
  it('binds one parameter for each placeholder, the orders to lock last', () => {
    const params = applyOutcomesParams({
      updates: [],
      attempts: [],
      events: [],
      orderIds: ['o1'],
      now: new Date(),
    });
    const placeholders = new Set([...APPLY_OUTCOMES.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    expect(placeholders.size).toBe(params.length);
    expect(Math.max(...placeholders)).toBe(params.length);
    expect(params.at(-1)).toEqual(['o1']);
    expect(APPLY_OUTCOMES).toContain(`unnest($${params.length}::text[]) AS t(o)`);
  });

  it('moves a cancellation only while its claim holds, and inserts only the applied events', () => {
    expect(APPLY_OUTCOMES).toContain("(sc.state || '') = 'in_flight' AND sc.attempts = u.attempts");
    expect(APPLY_OUTCOMES).toContain('JOIN applied a ON a.id = e.owner_id');
  });
});
