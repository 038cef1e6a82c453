import { EventTypes, Examples, Schemas, TopicForType, Topics } from './index';

describe('the event catalog', () => {
  it('maps every event type to its default topic', () => {
    expect(TopicForType).toEqual({
      'oms.order.cancelled': Topics.orderCancelled,
      'oms.shipment.purchased': Topics.shipmentPurchased,
      'oms.shipment.cancelled': Topics.shipmentCancelled,
      'oms.order.manual-reship-required': Topics.manualReshipRequired,
      'oms.shipment.cancellation-failed': Topics.shipmentCancellationFailed,
      'oms.shipment-cancellation.dead-letter': Topics.deadLetter,
    });
    expect(Object.keys(EventTypes)).toEqual(Object.keys(Topics));
  });

  it('has one example per event type, of that type', () => {
    expect(Object.keys(Examples)).toEqual(Object.keys(EventTypes));
    for (const [name, example] of Object.entries(Examples)) {
      expect(example.type).toBe(EventTypes[name as keyof typeof EventTypes]);
    }
  });

  it('keeps examples frozen so that one test cannot change another', () => {
    expect(() => {
      (Examples.orderCancelled.data as { orderId: string }).orderId = 'changed';
    }).toThrow(TypeError);
  });

  it('embeds each payload schema in its event schema', () => {
    const payloads = [
      'OrderCancelled',
      'ShipmentPurchased',
      'ShipmentCancelled',
      'ManualReshipRequired',
      'ShipmentCancellationFailed',
      'DeadLetterRecord',
    ] as const;
    for (const name of payloads) {
      const envelope = Schemas[`${name}Event`] as { properties: Record<string, unknown> };
      expect(envelope.properties['data']).toBe(Schemas[name]);
    }
  });

  it('are plain JSON (no functions, symbols or undefined)', () => {
    expect(JSON.parse(JSON.stringify(Schemas))).toEqual(Schemas);
  });
});
