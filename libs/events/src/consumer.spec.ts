import { EventTypes, Examples, Schemas, validateEvent } from './index';
import { ConsumerSchemas, consumerSchema, createConsumerValidator, validateForConsumer } from './consumer';

// An event with an unknown field at the envelope, in the payload and in a nested object of the payload.
function withUnknownFields<E extends { data: object }>(event: E): E {
  const copy = structuredClone(event) as unknown as Record<string, unknown> & {
    data: Record<string, unknown>;
  };
  copy['traceparent'] = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  copy.data['addedIn1x'] = { anything: [1, 'two'] };
  for (const value of Object.values(copy.data)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      (value as Record<string, unknown>)['addedIn1x'] = 'added in a later 1.x';
    }
  }
  return copy as unknown as E;
}

describe('validateForConsumer', () => {
  it.each(Object.keys(Examples) as (keyof typeof Examples)[])('accepts %s with unknown fields', (name) => {
    const event = withUnknownFields(Examples[name]);
    expect(validateForConsumer(Buffer.from(JSON.stringify(event)))).toEqual({ ok: true, event });
    expect(validateForConsumer(event, EventTypes[name])).toMatchObject({ ok: true });
  });

  it('leaves the producer strict: validateEvent refuses the same unknown field', () => {
    const event = withUnknownFields(Examples.shipmentCancelled);
    expect(() => validateEvent(event)).toThrow(/data\/addedIn1x: is not allowed/);
  });

  it('still checks required fields, types and enums', () => {
    const event = structuredClone(Examples.shipmentCancelled) as unknown as { data: Record<string, unknown> };
    delete event.data['orderId'];
    event.data['outcome'] = 'teleported';
    event.data['final'] = 'yes';
    const result = validateForConsumer(event);
    expect(result).toMatchObject({ ok: false, kind: 'schema_invalid' });
    expect(!result.ok && result.issues).toEqual(
      expect.arrayContaining([
        { path: '/data/orderId', message: 'is required' },
        { path: '/data/outcome', message: 'must be one of: voided, refund_pending, already_cancelled' },
        { path: '/data/final', message: 'must be a boolean' },
      ]),
    );
  });

  it('reports envelope problems, unknown and unexpected types like decodeEvent', () => {
    expect(validateForConsumer('{')).toMatchObject({ ok: false, kind: 'not_json' });
    expect(validateForConsumer([])).toMatchObject({ ok: false, kind: 'invalid_envelope' });
    const { id: _id, ...noId } = Examples.orderCancelled;
    expect(validateForConsumer(noId)).toMatchObject({
      ok: false,
      kind: 'invalid_envelope',
      issues: [{ path: '/id', message: 'is required' }],
    });
    expect(validateForConsumer({ ...Examples.orderCancelled, type: 'oms.order.created' })).toMatchObject({
      ok: false,
      kind: 'unknown_type',
    });
    expect(validateForConsumer(Examples.orderCancelled, EventTypes.shipmentCancelled)).toMatchObject({
      ok: false,
      kind: 'unknown_type',
      message: 'type: must be oms.shipment.cancelled, got oms.order.cancelled',
    });
  });
});

describe('consumerSchema', () => {
  it('opens every object and leaves the rest, and the original, unchanged', () => {
    const closed = JSON.stringify(Schemas.ShipmentCancelledEvent);
    const opened = JSON.stringify(consumerSchema(Schemas.ShipmentCancelledEvent));
    expect(closed).toContain('"additionalProperties":false');
    expect(opened).not.toContain('"additionalProperties":false');
    expect(opened).toBe(closed.replace(/,?"additionalProperties":false/g, ''));
    expect(JSON.stringify(Schemas.ShipmentCancelledEvent)).toBe(closed);
  });

  it('keeps a map schema such as the dead letter headers', () => {
    expect(JSON.stringify(ConsumerSchemas.DeadLetterRecord)).toContain(
      '"headers":{"description":"Kafka headers: text where valid UTF-8 without NUL, else \'base64:\' + base64.","type":"object","additionalProperties":{"type":"string"}}',
    );
  });
});

describe('createConsumerValidator', () => {
  it('needs the event type in each schema', () => {
    expect(() => createConsumerValidator([Schemas.OrderCancelled])).toThrow(/properties.type.const/);
  });

  it('knows only the types it was given', () => {
    const validate = createConsumerValidator([Schemas.OrderCancelledEvent]);
    expect(validate(Examples.orderCancelled)).toMatchObject({ ok: true });
    expect(validate(Examples.shipmentPurchased)).toMatchObject({ ok: false, kind: 'unknown_type' });
  });
});
