import type { DataSource, EntityManager } from 'typeorm';
import type { CancellationRow } from '../domain/cancellation';
import type { OutboxWriter, PendingEvent } from './outbox.writer';
import { type CarrierWorkerSignals, UnitOfWork } from './unit-of-work';

const manager = {} as EntityManager;
// A data source whose transaction commits unless the work throws (then it rolls back and rethrows).
const dataSource = {
  transaction: (work: (m: EntityManager) => Promise<unknown>) => work(manager),
} as unknown as DataSource;

function setup() {
  const calls: string[] = [];
  const outbox = {
    append: async (_m: EntityManager, events: PendingEvent[]) => events.map(() => ({})),
    notifyCommitted: () => calls.push('notify'),
  } as unknown as OutboxWriter;
  const worker: CarrierWorkerSignals = {
    wake: () => calls.push('wake'),
    reserve: (items) => ({
      leased: new Map(items.slice(0, 1).map((i) => [i.id, 'slot'])),
      leaseMs: 1000,
      run: (rows) => calls.push(`run ${rows.map((r) => r.id).join(',')}`),
      release: () => calls.push('release'),
    }),
  };
  const unit = new UnitOfWork(dataSource, outbox);
  unit.connectWorker(worker);
  return { unit, calls };
}

const event = { type: 'x', data: {}, key: 'k' } as unknown as PendingEvent;
const row = (id: string) => ({ id, carrier: 'amazon-shipping-v2', sellerAccount: 'A' }) as CancellationRow;

describe('UnitOfWork', () => {
  it('tells the relay and the worker once, after the commit', async () => {
    const { unit, calls } = setup();
    await unit.run(async (tx) => {
      await tx.append([event]);
      await tx.append([event]);
      await tx.append([]);
      tx.workDue();
      tx.workDue();
      expect(calls).toEqual([]);
    });
    expect(calls).toEqual(['notify', 'wake']);
  });

  it('does not tell the relay when nothing was appended', async () => {
    const { unit, calls } = setup();
    await unit.run(async (tx) => {
      await tx.append([]);
      tx.eventsAppended(0);
    });
    expect(calls).toEqual([]);
  });

  it('tells the relay of events a statement of the caller inserted', async () => {
    const { unit, calls } = setup();
    await unit.run(async (tx) => tx.eventsAppended(2));
    expect(calls).toEqual(['notify']);
  });

  it('runs a lease after the commit with the rows it leased', async () => {
    const { unit, calls } = setup();
    const grant = await unit.run(async (tx) => tx.lease([row('a'), row('b')]));
    expect([...grant.leased.keys()]).toEqual(['a']);
    expect(calls).toEqual(['run a']);
  });

  it('releases a lease and skips the commit actions on a rollback', async () => {
    const { unit, calls } = setup();
    const failure = unit.run(async (tx) => {
      tx.lease([row('a')]);
      await tx.append([event]);
      tx.workDue();
      throw new Error('boom');
    });
    await expect(failure).rejects.toThrow('boom');
    expect(calls).toEqual(['release']);
  });

  it('leases nothing without a worker, and an action that throws does not fail the committed work', async () => {
    const { unit, calls } = setup();
    const bare = new UnitOfWork(dataSource, {} as OutboxWriter);
    expect((await bare.run(async (tx) => tx.lease([row('a')]))).leased.size).toBe(0);
    await unit.run(async (tx) => {
      tx.afterCommit(() => {
        throw new Error('hook');
      });
      tx.workDue();
    });
    expect(calls).toEqual(['wake']);
  });
});
