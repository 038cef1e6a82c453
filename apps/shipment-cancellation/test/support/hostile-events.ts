// The valid events hostile inputs are made from, the shape of a hostile input, and the three cases issue 19
// names. The categories are drawn in hostile-bytes.ts (what breaks before any schema is read: bytes, keys,
// headers) and hostile-inputs.ts (what a schema or the database refuses, and what the contract allows).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { EventTypes } from '@oms/events';

export type InputTopic = 'orderCancelled' | 'shipmentPurchased';

export type HostileCategory =
  | 'named'
  | 'nul_raw'
  | 'nul_escaped'
  | 'invalid_utf8'
  | 'truncated_json'
  | 'deep_nesting'
  | 'huge_value'
  | 'bad_amount'
  | 'bad_date'
  | 'wrong_type'
  | 'unknown_type'
  | 'bad_id'
  | 'null_value'
  | 'hostile_key'
  | 'huge_headers'
  | 'large_pair'
  | 'tolerated';

/** The Kafka key: the good order's it sits before (same partition by key), none, or bytes of its own. */
export type KeyChoice = { kind: 'neighbour' } | { kind: 'none' } | { kind: 'own'; bytes: Buffer };

export type Headers = Record<string, Buffer | Buffer[]>;

export interface HostileInput {
  category: HostileCategory;
  /** What is hostile about it, in a few words. */
  label: string;
  topic: InputTopic;
  key: KeyChoice;
  /** null: a tombstone. */
  value: Buffer | null;
  headers: Headers;
  /** dead_letter: never processable; processed: valid under the contract, whatever else it carries. */
  expect: 'dead_letter' | 'processed';
  /** The event id, where the input is a valid event (to find it in the inbox). */
  eventId?: string;
  /** Published in the same request as the input before it. */
  withPrevious?: boolean;
}

export const SOURCE = '/oms/hostile-fuzz';

export const KB = 1024;

// The broker refuses messages over 1 MiB; every input stays under 930 KB with its headers.
export const MAX_VALUE = 900 * KB;

export type Json = Record<string, unknown>;

export const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

export const idChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'.split(''));

export const shortId = fc.string({ unit: idChars, minLength: 4, maxLength: 16 });

const freshOrderId = fc.uuid({ version: 4 }).map((u) => `hz-${u.slice(0, 18)}`);

const inRangeTime = fc
  .date({ min: new Date('2021-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

export function envelope(type: string, id: string, time: string, data: Json): Json {
  const subject = typeof data['orderId'] === 'string' ? { subject: data['orderId'] } : {};
  return {
    specversion: '1.0',
    id,
    source: SOURCE,
    type,
    time,
    datacontenttype: 'application/json',
    ...subject,
    data,
  };
}

export interface Base {
  topic: InputTopic;
  event: Json;
  data: Json;
}

export const orderCancelledBase: fc.Arbitrary<Base> = fc
  .record({
    id: fc.uuid({ version: 4 }),
    time: inRangeTime,
    orderId: freshOrderId,
    cancelledAt: inRangeTime,
    reason: fc.option(fc.constantFrom('customer_request', 'fraud', 'out of stock\nline two'), {
      nil: undefined,
    }),
    requestedBy: fc.option(shortId, { nil: undefined }),
    marketplaceId: fc.option(fc.constant('ATVPDKIKX0DER'), { nil: undefined }),
  })
  .map(({ id, time, ...fields }) => {
    const data: Json = { schemaVersion: 1, ...fields };
    for (const k of Object.keys(data)) if (data[k] === undefined) delete data[k];
    return { topic: 'orderCancelled', event: envelope(EventTypes.orderCancelled, id, time, data), data };
  });

export const shipmentPurchasedBase: fc.Arbitrary<Base> = fc
  .record({
    id: fc.uuid({ version: 4 }),
    time: inRangeTime,
    orderId: freshOrderId,
    carrier: fc.constantFrom('amazon-shipping-v2', 'amazon-mfn-mws', 'amazon-mfn-v0'),
    carrierShipmentId: shortId,
    sellerAccount: shortId,
    amount: fc.constantFrom('5.25', '0.00', '9999999999.9999', '12'),
    purchasedAt: inRangeTime,
  })
  .map(({ id, time, orderId, carrier, carrierShipmentId, sellerAccount, amount, purchasedAt }) => {
    const region =
      carrier === 'amazon-shipping-v2'
        ? { businessId: 'AmazonShipping_US' }
        : { marketplaceId: 'ATVPDKIKX0DER' };
    const data: Json = {
      schemaVersion: 1,
      orderId,
      shipmentId: `${orderId}-s1`,
      carrier,
      carrierShipmentId,
      ...region,
      sellerAccount,
      labelCost: { amount, currency: 'USD' },
      purchasedAt,
      cancelWindowEndsAt: new Date(Date.parse(purchasedAt) + 86_400_000).toISOString(),
    };
    return {
      topic: 'shipmentPurchased',
      event: envelope(EventTypes.shipmentPurchased, id, time, data),
      data,
    };
  });

export const anyBase = fc.oneof(orderCancelledBase, shipmentPurchasedBase);

export const anyTopic = fc.constantFrom<InputTopic>('orderCancelled', 'orderCancelled', 'shipmentPurchased');

/** The string fields of the payload that are stored (so the database would see what they hold). */
export function storedFields(base: Base): string[] {
  return base.topic === 'orderCancelled'
    ? ['orderId', 'reason', 'requestedBy', 'marketplaceId']
    : [
        'orderId',
        'shipmentId',
        'carrierShipmentId',
        'sellerAccount',
        'businessId' in base.data ? 'businessId' : 'marketplaceId',
      ];
}

/** A copy of the event with `data[field]` (a path like 'labelCost.amount') set to `value`. */
export function withData(base: Base, field: string, value: unknown): Json {
  const event = structuredClone(base.event);
  const path = field.split('.');
  let at = event['data'] as Json;
  for (const step of path.slice(0, -1)) at = at[step] as Json;
  at[path[path.length - 1] as string] = value;
  return event;
}

export interface Draft {
  category: HostileCategory;
  label: string;
  topic: InputTopic;
  value: Buffer | null;
  headers?: Headers;
  key?: KeyChoice;
  expect?: 'dead_letter' | 'processed';
  eventId?: string;
}

/** The three cases issue 19 names, each to be dead-lettered without stopping the order after it. */
export function namedCases(): Array<HostileInput & { name: string }> {
  const at = '2026-01-01T00:00:00.000Z';
  const common = {
    category: 'named' as const,
    key: { kind: 'neighbour' as const },
    headers: {},
    expect: 'dead_letter' as const,
  };
  return [
    {
      ...common,
      name: 'a',
      label: 'non-JSON {"bad":"a<0x00>b"} with a raw 0x00 byte',
      topic: 'orderCancelled',
      value: Buffer.concat([Buffer.from('{"bad":"a'), Buffer.from([0x00]), Buffer.from('b"}')]),
    },
    {
      ...common,
      name: 'b',
      label: 'OrderCancelled whose orderId holds \\u0000',
      topic: 'orderCancelled',
      value: json(
        envelope(EventTypes.orderCancelled, randomUUID(), at, {
          schemaVersion: 1,
          orderId: 'hz-named-b\u0000tail',
          reason: 'customer_request',
          cancelledAt: at,
        }),
      ),
    },
    {
      ...common,
      name: 'c',
      label: 'ShipmentPurchased whose labelCost.amount is "123456789012345.00"',
      topic: 'shipmentPurchased',
      value: json(
        envelope(EventTypes.shipmentPurchased, randomUUID(), at, {
          schemaVersion: 1,
          orderId: 'hz-named-c',
          shipmentId: 'hz-named-c-s1',
          carrier: 'amazon-shipping-v2',
          carrierShipmentId: '79999999999999',
          businessId: 'AmazonShipping_US',
          sellerAccount: 'seller-1',
          labelCost: { amount: '123456789012345.00', currency: 'USD' },
          purchasedAt: at,
        }),
      ),
    },
  ];
}

/**
 * Two ~400 KB values that are not JSON, back to back under one key (published in one request): dead-lettered in
 * one transaction, their two records go to one partition of the dead-letter topic, together over 1 MiB.
 */
export function largePair(index: number): HostileInput[] {
  return ['p', 'q'].map((fill, i) => ({
    category: 'large_pair',
    label: `~400 KB non-JSON value, pair ${index} (${fill})`,
    topic: 'orderCancelled',
    key: { kind: 'neighbour' },
    value: Buffer.alloc(400 * KB, fill),
    headers: {},
    expect: 'dead_letter',
    withPrevious: i === 1,
  }));
}
