import type { DataSource } from 'typeorm';
import type { CancelOutcome, CancelRequest, CarrierCancelPort } from '@oms/carrier-cancel';
import { loadConfig } from '../../platform/config/config';
import { MetricsService } from '../../platform/metrics/metrics.service';
import type { CancellationRow } from '../../domain/cancellation';
import { cancellationRow } from '../../domain/testing';
import type { CarrierResult } from '../../domain/carrier-result';
import { CarrierWorker } from './carrier-worker.service';
import type { OutcomeApplier } from '../apply/outcome-applier.service';

/** A carrier whose calls the test answers by hand. */
function gatedCarrier() {
  const calls: string[] = [];
  const answers: Array<(outcome: CancelOutcome) => void> = [];
  const requests: CancelRequest[] = [];
  const port: CarrierCancelPort = {
    cancel: (request: CancelRequest) =>
      new Promise<CancelOutcome>((resolve) => {
        calls.push(request.carrierShipmentId);
        requests.push(request);
        answers.push(resolve);
      }),
    status: () => Promise.reject(new Error('not used')),
    nextTokenInMs: () => 0,
  };
  const answerAll = async () => {
    for (const answer of answers.splice(0)) answer({ kind: 'voided', attempts: 1 } as CancelOutcome);
    await new Promise((resolve) => setImmediate(resolve));
  };
  /** Answers the oldest call still out. */
  const answerNext = async () => {
    answers.shift()?.({ kind: 'voided', attempts: 1 } as CancelOutcome);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { calls, requests, port, answerAll, answerNext };
}

/** The worker's own scans find nothing: these tests drive it only through reservations. */
const emptyDatabase = {
  connection: {
    createQueryRunner: () => ({
      connect: () => Promise.resolve({ query: () => Promise.resolve({ rows: [] }) }),
      release: () => Promise.resolve(),
    }),
  },
} as unknown as DataSource;

function row(id: string, sellerAccount: string): CancellationRow {
  return cancellationRow({
    id,
    carrier: 'amazon-mfn-v0',
    carrierShipmentId: `c-${id}`,
    sellerAccount,
  });
}

const item = (r: CancellationRow) => ({ id: r.id, carrier: r.carrier, sellerAccount: r.sellerAccount });

describe('CarrierWorker reservations', () => {
  let worker: CarrierWorker;
  let carrier: ReturnType<typeof gatedCarrier>;
  let applied: CarrierResult[];
  let batches: string[][];

  beforeEach(() => {
    carrier = gatedCarrier();
    applied = [];
    batches = [];
    const applier = {
      apply: (batch: CarrierResult[]) => {
        applied.push(...batch);
        batches.push(batch.map((r) => r.row.id));
        return Promise.resolve();
      },
    } as unknown as OutcomeApplier;
    // Three slots; MFN v0's burst of 1 allows one call per seller account at a time.
    const config = loadConfig({ WORKER_CONCURRENCY: '3', WORKER_POLL_INTERVAL_MS: '60000' });
    worker = new CarrierWorker(emptyDatabase, applier, new MetricsService(), carrier.port, config);
    worker.start();
  });

  afterEach(async () => {
    await carrier.answerAll();
    await worker.stop();
  });

  it('reserves free slots within each account cap and offers the rest', () => {
    const rows = [row('a1', 'A'), row('a2', 'A'), row('b1', 'B'), row('c1', 'C'), row('d1', 'D')];
    const reservation = worker.reserve(rows.map(item));
    expect([...reservation.leased.keys()]).toEqual(['a1', 'b1', 'c1']);
    expect(reservation.rest.map((r) => r.id)).toEqual(['a2', 'd1']);
    expect(worker.busy).toBe(3);
    worker.release(reservation);
  });

  it('leaves free slots to offered work: a new transaction reserves only those none of it could take', () => {
    // Committed earlier and waiting: one call each for E and F (MFN v0, one per account), and a second for E.
    worker.offer([item(row('e1', 'E')), item(row('f1', 'F')), item(row('e2', 'E'))]);
    const reservation = worker.reserve([item(row('a1', 'A')), item(row('b1', 'B'))]);
    // Of three free slots, E and F can use two now: the transaction gets the third.
    expect([...reservation.leased.keys()]).toEqual(['a1']);
    expect(reservation.rest.map((r) => r.id)).toEqual(['b1']);
    worker.release(reservation);
  });

  it('gives the place of a call whose request waits on the carrier to another, until its answer comes', async () => {
    const rows = [row('a1', 'A'), row('b1', 'B'), row('c1', 'C')];
    worker.runLeased(worker.reserve(rows.map(item)), rows);
    expect(worker.reserve([item(row('d1', 'D'))]).leased.size).toBe(0);
    // A's request is written: its answer is awaited, and D may go meanwhile.
    carrier.requests[0]?.awaitingCarrier?.(true);
    const d = worker.reserve([item(row('d1', 'D'))]);
    expect([...d.leased.keys()]).toEqual(['d1']);
    worker.release(d);
    // The answer came: the place is A's again.
    carrier.requests[0]?.awaitingCarrier?.(false);
    expect(worker.reserve([item(row('d1', 'D'))]).leased.size).toBe(0);
    await carrier.answerAll();
    expect(worker.busy).toBe(0);
  });

  it('calls the carrier for the leased rows once committed, and applies their results', async () => {
    const rows = [row('a1', 'A'), row('b1', 'B')];
    const reservation = worker.reserve(rows.map(item));
    worker.runLeased(reservation, rows);
    expect(carrier.calls).toEqual(['c-a1', 'c-b1']);
    await carrier.answerAll();
    expect(applied.map((r) => r.row.id).sort()).toEqual(['a1', 'b1']);
    expect(worker.busy).toBe(0);
  });

  it('gives back the slot of a reserved id that was not leased, and calls nothing unreserved', () => {
    const reservation = worker.reserve([item(row('a1', 'A')), item(row('b1', 'B'))]);
    worker.runLeased(reservation, [row('a1', 'A'), row('x1', 'X')]);
    expect(carrier.calls).toEqual(['c-a1']);
    expect(worker.busy).toBe(1);
  });

  it('frees every slot of a reservation whose transaction did not commit', () => {
    const reservation = worker.reserve([item(row('a1', 'A')), item(row('b1', 'B'))]);
    expect(worker.busy).toBe(2);
    worker.release(reservation);
    expect(worker.busy).toBe(0);
    // The freed slots are there for the next transaction, the account caps included.
    const next = worker.reserve([item(row('a2', 'A'))]);
    expect([...next.leased.keys()]).toEqual(['a2']);
    worker.release(next);
    expect(carrier.calls).toEqual([]);
  });

  it('applies the results of calls made together in one batch', async () => {
    const rows = [row('a1', 'A'), row('b1', 'B')];
    worker.runLeased(worker.reserve(rows.map(item)), rows);
    await carrier.answerNext();
    // The first answer waits for the call still out instead of taking a transaction of its own.
    expect(batches).toEqual([]);
    await carrier.answerNext();
    expect(batches).toEqual([['a1', 'b1']]);
  });

  it('applies a result without the calls still out once it has waited a few milliseconds', async () => {
    const rows = [row('a1', 'A'), row('b1', 'B')];
    worker.runLeased(worker.reserve(rows.map(item)), rows);
    await carrier.answerNext();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(batches).toEqual([['a1']]);
    await carrier.answerNext();
    expect(batches).toEqual([['a1'], ['b1']]);
  });

  it('paces the intake only while offered work could fill every slot', async () => {
    const rows = [row('a1', 'A'), row('b1', 'B'), row('c1', 'C')];
    worker.runLeased(worker.reserve(rows.map(item)), rows);
    expect(carrier.calls).toHaveLength(3);
    // Calls in progress but nothing offered: the dispatch could run dry, so the batches go together.
    const together = await Promise.all([worker.admitIntake(500), worker.admitIntake(500)]);
    for (const handled of together) handled();
    // Three offered calls (D, E, F) will take the slots as they free: one full batch at a time now.
    worker.offer([item(row('d1', 'D')), item(row('e1', 'E')), item(row('f1', 'F'))]);
    await expectOneBatchAtATime();
  });

  it("counts offered work that waits for its account's room as work in hand (many sellers, each capped)", async () => {
    const rows = [row('a1', 'A'), row('b1', 'B'), row('c1', 'C')];
    worker.runLeased(worker.reserve(rows.map(item)), rows);
    // MFN v0 allows one call per account: none of these could start while A, B and C are out.
    worker.offer([item(row('a2', 'A')), item(row('b2', 'B')), item(row('c2', 'C'))]);
    await expectOneBatchAtATime();
  });

  it('lets small batches go together up to a full batch while it paces the intake', async () => {
    const rows = [row('a1', 'A'), row('b1', 'B'), row('c1', 'C')];
    worker.runLeased(worker.reserve(rows.map(item)), rows);
    worker.offer([item(row('a2', 'A')), item(row('b2', 'B')), item(row('c2', 'C'))]);
    // A backlog's first fetches bring each lane a few messages: six lanes' worth fit in one turn, let go at once.
    const asked = Date.now();
    const together = await Promise.all(Array.from({ length: 6 }, () => worker.admitIntake(80)));
    expect(Date.now() - asked).toBeLessThan(100);
    for (const handled of together) handled();
    await expectOneBatchAtATime();
  });

  /** A full batch is let go; the next waits until it is handled. */
  async function expectOneBatchAtATime(): Promise<void> {
    const first = await worker.admitIntake(500);
    let secondWent = false;
    const second = worker.admitIntake(500).then((handled) => {
      secondWent = true;
      return handled;
    });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(secondWent).toBe(false);
    first();
    (await second)();
    expect(secondWent).toBe(true);
  }

  it('reserves nothing once stopping', async () => {
    await worker.stop();
    const reservation = worker.reserve([item(row('a1', 'A'))]);
    expect(reservation.leased.size).toBe(0);
    expect(reservation.rest.map((r) => r.id)).toEqual(['a1']);
  });
});
