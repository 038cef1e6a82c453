import { randomUUID } from 'node:crypto';
import { Examples } from '@oms/events';
import { RefundsLedger } from './ledger';

type Event = Record<string, unknown> & { id: string; data: Record<string, unknown> };

/** A copy of an example outcome event with a new id and the given payload fields. */
function variant(base: object, data: Record<string, unknown>, id = randomUUID()): Event {
  const event = structuredClone(base) as Event;
  return { ...event, id, data: { ...event.data, ...data } };
}

const cancelled = Examples.shipmentCancelled;
const failed = Examples.shipmentCancellationFailed;
const json = (event: object) => JSON.stringify(event);

describe('RefundsLedger', () => {
  it('sums applied refunds exactly per seller and currency, ignoring redelivered copies', () => {
    const ledger = new RefundsLedger();
    const events = [
      variant(cancelled, { cancellationId: randomUUID() }),
      variant(cancelled, {
        cancellationId: randomUUID(),
        refund: { status: 'applied', amount: '0.10', currency: 'USD', source: 'label_cost' },
      }),
      variant(cancelled, {
        cancellationId: randomUUID(),
        refund: { status: 'applied', amount: '0.20', currency: 'USD', source: 'label_cost' },
      }),
      variant(cancelled, {
        cancellationId: randomUUID(),
        refund: { status: 'applied', amount: '500', currency: 'JPY', source: 'label_cost' },
      }),
      variant(cancelled, {
        cancellationId: randomUUID(),
        sellerAccount: 'seller-other',
        refund: { status: 'unconfirmed', source: 'none' },
      }),
    ];
    for (const event of events) expect(ledger.accept(json(event))).toBe('applied');
    for (const event of events) expect(ledger.accept(Buffer.from(json(event)))).toBe('duplicate');
    expect(ledger.totals()).toEqual([
      { sellerAccount: 'seller-us-1', currency: 'JPY', amount: '500', cancellations: 1 },
      { sellerAccount: 'seller-us-1', currency: 'USD', amount: '8.75', cancellations: 3 },
    ]);
  });

  it('keeps the highest sequence per cancellation, whatever the arrival order', () => {
    const cancellationId = randomUUID();
    const failure = variant(failed, { cancellationId, sellerAccount: 'seller-us-1', sequence: 1 });
    const retried = variant(cancelled, { cancellationId, sequence: 2, supersedes: failure.id });
    const pending = variant(cancelled, {
      cancellationId: randomUUID(),
      outcome: 'refund_pending',
      final: false,
      labelRefund: { amount: '8.45', currency: 'USD', status: 'pending' },
      refund: { status: 'pending', source: 'none' },
    });
    const rejected = variant(failed, {
      cancellationId: pending.data['cancellationId'],
      reason: 'refund_rejected',
      sequence: 2,
    });

    const inOrder = new RefundsLedger();
    for (const event of [failure, retried, pending, rejected]) inOrder.accept(json(event));
    expect(inOrder.skipped).toEqual([]);
    const reversed = new RefundsLedger();
    expect(reversed.accept(json(retried))).toBe('applied');
    expect(reversed.accept(json(failure))).toBe('older');
    expect(reversed.accept(json(rejected))).toBe('applied');
    expect(reversed.accept(json(pending))).toBe('older');

    const expected = [{ sellerAccount: 'seller-us-1', currency: 'USD', amount: '8.45', cancellations: 1 }];
    expect(inOrder.totals()).toEqual(expected);
    expect(reversed.totals()).toEqual(expected);
  });

  it('skips what is not an outcome event and accepts fields a later 1.x adds', () => {
    const ledger = new RefundsLedger();
    expect(ledger.accept(json(Examples.manualReshipRequired))).toBe('skipped');
    expect(ledger.accept('not json')).toBe('skipped');
    expect(ledger.accept(json(variant(cancelled, { addedLater: true })))).toBe('applied');
    expect(ledger.skipped).toHaveLength(2);
  });
});
