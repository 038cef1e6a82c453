import { decodeEvent, Examples } from './index';

const example = Examples.manualReshipRequired;
type Shipment = (typeof example.data.shipments)[number];

function issuesOf(data: object): unknown {
  const result = decodeEvent({ ...example, data: { ...example.data, ...data } });
  return result.ok ? [] : result.issues;
}

function shipments(...changes: object[]): Shipment[] {
  return example.data.shipments.map((shipment, i) => ({ ...shipment, ...changes[i] }) as Shipment);
}

describe('ManualReshipRequired', () => {
  it('accepts its example', () => {
    expect(decodeEvent(example)).toEqual({ ok: true, event: example });
  });

  it('is only for orders with several shipments', () => {
    expect(issuesOf({ shipmentCount: 1, shipments: [example.data.shipments[0]] })).toEqual([
      { path: '/data/shipmentCount', message: 'must be >= 2' },
      { path: '/data/shipments', message: 'must have at least 2 items' },
    ]);
  });

  it('requires the failure reason of a failed shipment', () => {
    const { failureReason: _f, ...failed } = example.data.shipments[1];
    expect(issuesOf({ shipments: [example.data.shipments[0], failed] })).toEqual([
      { path: '/data/shipments/1/failureReason', message: 'is required when outcome is failed' },
    ]);
  });

  it('checks each shipment', () => {
    expect(issuesOf({ shipments: shipments({ outcome: 'lost' }, { carrier: 'dhl' }) })).toEqual([
      {
        path: '/data/shipments/0/outcome',
        message:
          'must be one of: voided, refund_pending, already_cancelled, failed, skipped_already_inactive',
      },
      {
        path: '/data/shipments/1/carrier',
        message: 'must be one of: amazon-shipping-v2, amazon-mfn-mws, amazon-mfn-v0',
      },
    ]);
  });

  it('has the one reason multiple_shipments', () => {
    expect(issuesOf({ reason: 'other' })).toEqual([
      { path: '/data/reason', message: 'must be "multiple_shipments"' },
    ]);
  });
});
