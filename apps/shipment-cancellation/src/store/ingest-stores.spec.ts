import type { EntityManager } from 'typeorm';
import { insertCancellations } from './cancellations.store';
import { RECORD_MESSAGES, recordMessages } from './inbox.store';
import { insertShipments, reopenRecountedCancels } from './shipments.store';

/** A manager that records each statement (prepared or plain) and answers with `rows`. */
function recordingManager(rows: unknown[] = []) {
  const calls: Array<{ text: string; values: unknown[] }> = [];
  const client = {
    query: async (q: { text: string; values: unknown[] }) => {
      calls.push({ text: q.text, values: q.values });
      return { rows };
    },
  };
  const manager = {
    queryRunner: { connect: async () => client },
    query: async (text: string, values: unknown[]) => {
      calls.push({ text, values });
      return rows;
    },
  } as unknown as EntityManager;
  return { manager, calls };
}

const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('the ingest statements', () => {
  it('record inbox entries as one array per column, then the receipt time', async () => {
    const { manager, calls } = recordingManager([{ id: 'm1' }]);
    const entry = {
      messageId: 'm1',
      eventType: null,
      topic: 't',
      partition: 2,
      offset: '7',
      orderId: null,
      result: 'dead_lettered' as const,
    };
    const at = new Date(0);
    expect(await recordMessages(manager, [entry], at)).toEqual(['m1']);
    expect(calls[0]?.text).toBe(RECORD_MESSAGES);
    expect(flat(RECORD_MESSAGES)).toContain(
      'SELECT *, $8::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::text[])',
    );
    expect(calls[0]?.values).toEqual([['m1'], [null], ['t'], [2], ['7'], [null], ['dead_lettered'], at]);
  });

  it('insert requests and cancellations in one statement, marking the cancelled shipments by their ids', async () => {
    const { manager, calls } = recordingManager();
    const cancellation = {
      id: 'c1',
      requestId: 'r1',
      orderId: 'o1',
      shipmentId: 's1',
      carrier: 'amazon-shipping-v2',
      carrierShipmentId: 'cs1',
      sellerAccount: 'A',
      reshipEligible: true,
    };
    const grant = { leased: new Map([['c1', 'slot']]), leaseMs: 5000 };
    await insertCancellations(manager, { cancellations: [cancellation] }, new Date(0), grant);
    const [call] = calls;
    expect(calls).toHaveLength(1);
    const text = flat(call?.text ?? '');
    expect(text).toContain('WHERE id = ANY($4::text[])');
    expect(call?.values[3]).toEqual(['s1']);
    // The 12 request columns follow the 8 cancellation columns, then the time, the leased ids and the lease.
    expect(call?.values.slice(8, 20)).toEqual(Array.from({ length: 12 }, () => []));
    expect(call?.values.slice(20)).toEqual([new Date(0), ['c1'], 5000]);
    expect(text).toContain('id = ANY($22::uuid[]) AS leased');
    expect(text).toContain('make_interval(secs => $23::double precision / 1000)');
  });

  it('bind nothing when there is nothing to insert', async () => {
    const { manager, calls } = recordingManager();
    await insertCancellations(manager, { cancellations: [] }, new Date(0));
    await reopenRecountedCancels(manager, []);
    expect(calls).toEqual([]);
  });

  it('insert shipments with the event times as given, and recount cancels with the rule computed here', async () => {
    const { manager, calls } = recordingManager([{ id: 's1' }]);
    const shipment = {
      id: 's1',
      orderId: 'o1',
      carrier: 'amazon-shipping-v2',
      carrierShipmentId: 'cs1',
      businessId: null,
      marketplaceId: null,
      sellerAccount: 'A',
      trackingId: null,
      carrierId: null,
      labelCostAmount: '8.45',
      labelCostCurrency: 'USD',
      purchasedAt: '2025-03-13T17:02:11.123456Z',
      cancelWindowEndsAt: null,
      sourceEventId: 'e1',
    };
    expect(await insertShipments(manager, [shipment], new Date(0))).toEqual(new Set(['s1']));
    expect(calls[0]?.values[11]).toEqual(['2025-03-13T17:02:11.123456Z']);
    await reopenRecountedCancels(manager, [{ id: 'r1', shipmentCount: 2, rule: 'multiple_shipments' }]);
    expect(flat(calls[1]?.text ?? '')).toContain(
      'FROM unnest($1::uuid[], $2::int[], $3::text[]) AS t(id, shipment_count, rule) WHERE r.id = t.id',
    );
    expect(calls[1]?.values).toEqual([['r1'], [2], ['multiple_shipments']]);
  });
});
