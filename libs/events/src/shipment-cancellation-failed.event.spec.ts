import { decodeEvent, EventValidationError, Examples, validateEvent } from './index';

const example = Examples.shipmentCancellationFailed;

function issuesOf(data: object): unknown {
  const result = decodeEvent({ ...example, data: { ...example.data, ...data } });
  return result.ok ? [] : result.issues;
}

describe('ShipmentCancellationFailed', () => {
  it('accepts its example', () => {
    expect(decodeEvent(JSON.stringify(example))).toEqual({ ok: true, event: example });
  });

  it('never allows a reship', () => {
    expect(issuesOf({ reshipEligible: true })).toEqual([
      { path: '/data/reshipEligible', message: 'must be false' },
    ]);
  });

  it('accepts every failure reason and rejects others', () => {
    for (const reason of ['window_expired', 'refund_rejected', 'credentials', 'retries_exhausted']) {
      expect(issuesOf({ reason })).toEqual([]);
    }
    expect(issuesOf({ reason: 'timeout' })).toEqual([
      {
        path: '/data/reason',
        message:
          'must be one of: window_expired, not_cancellable, not_found, unsupported_marketplace, ' +
          'invalid_request, refund_rejected, credentials, retries_exhausted',
      },
    ]);
  });

  it('allows null error details but not a missing field', () => {
    expect(issuesOf({ errorDetails: null })).toEqual([]);
    const { errorDetails: _e, requiresManualAction: _r, ...rest } = example.data;
    const result = decodeEvent({ ...example, data: rest });
    expect(result.ok ? [] : result.issues).toEqual([
      { path: '/data/requiresManualAction', message: 'is required' },
      { path: '/data/errorDetails', message: 'is required' },
    ]);
  });

  it('validateEvent rejects a non-boolean requiresManualAction', () => {
    expect(() =>
      validateEvent({ ...example, data: { ...example.data, requiresManualAction: 'yes' } }),
    ).toThrow(
      new EventValidationError(
        'schema_invalid',
        [],
        'Invalid oms.shipment.cancellation-failed: data/requiresManualAction: must be a boolean',
      ),
    );
  });
});
