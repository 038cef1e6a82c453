// The AsyncAPI 3.0 document of our topics, built from the same schemas and examples the code validates with.
// libs/events/asyncapi.yaml is this object written out by scripts/write-asyncapi.ts; a test keeps them equal.
import { catalog, type EventEntry } from './catalog';
import { ConsumerSchemas } from './consumer';
import { Examples, refundPendingExample } from './examples';
import { Topics } from './topics';

const contentType = 'application/cloudevents+json';

const description = [
  'Events of the OMS shipment-cancellation service. Every message is a CloudEvents 1.0 event in structured JSON',
  'mode (the whole value is the envelope; `data` holds the payload, which carries `schemaVersion`). The Kafka key',
  'is the order id, so events of one order keep their order. Topic names are defaults; deployments may override',
  'them. Outputs carry `causationId` (the input event id) and `correlationId`. An event may be delivered more',
  'than once, always with the same `id`: consumers deduplicate on it.',
  '',
  'Compatibility: a later 1.x may add fields (same topic, same `schemaVersion`), so the payload schemas here are',
  'open and consumers ignore fields they do not know; the producer sends only the fields listed. A breaking',
  'change is published on a new `.v2` topic with `schemaVersion: 2`.',
  '',
  'The reship rule: an order with exactly one shipment gets ShipmentCancelled with `reshipEligible: true`; an',
  'order with several gets one ShipmentCancelled (`reshipEligible: false`) per voided shipment and one',
  'ManualReshipRequired.',
  '',
  'Merchant Fulfillment refunds: `final: false` appears only on a ShipmentCancelled with `outcome: refund_pending`',
  '(the label is void, the carrier is still deciding on the refund). It is followed, for the same shipment, by a',
  'ShipmentCancelled with `outcome: voided` and `final: true` (refund applied) or by a ShipmentCancellationFailed',
  'with `reason: refund_rejected`. A refund_pending with `final: true` is the last word: nothing follows.',
].join('\n');

function message(entry: EventEntry): Record<string, unknown> {
  const examples: { name: string; summary: string; payload: unknown }[] = [
    { name: entry.name, summary: entry.summary, payload: Examples[entry.name] },
  ];
  if (entry.name === 'shipmentCancelled') {
    examples.push({
      name: 'shipmentCancelledRefundPending',
      summary: 'Merchant Fulfillment: voided, refund still pending (final: false).',
      payload: refundPendingExample,
    });
  }
  return {
    name: entry.payload,
    title: entry.payload,
    summary: entry.summary,
    contentType,
    ...(entry.direction === 'output' && entry.name !== 'deadLetter'
      ? {
          correlationId: {
            description: 'Shared by every event of one flow.',
            location: '$message.payload#/data/correlationId',
          },
        }
      : {}),
    payload: ConsumerSchemas[entry.envelope],
    bindings: {
      kafka: {
        key: {
          type: 'string',
          description: entry.name === 'deadLetter' ? 'The key of the original message.' : 'The order id.',
        },
        bindingVersion: '0.5.0',
      },
    },
    examples,
  };
}

/** The AsyncAPI 3.0.0 document (operations are from the service's point of view). */
export const asyncApiDocument = {
  asyncapi: '3.0.0',
  info: { title: 'OMS shipment cancellation events', version: '1.0.0', description },
  defaultContentType: contentType,
  channels: Object.fromEntries(
    catalog.map((entry) => [
      entry.name,
      {
        address: Topics[entry.name],
        title: entry.payload,
        description: `${entry.summary} Key: ${entry.name === 'deadLetter' ? "the original message's key" : 'the order id'}.`,
        messages: { [entry.name]: { $ref: `#/components/messages/${entry.name}` } },
      },
    ]),
  ),
  operations: Object.fromEntries(
    catalog.map((entry) => {
      const action = entry.direction === 'input' ? 'receive' : 'send';
      return [
        `${action}${entry.payload.replace(/Record$/, '')}`,
        {
          action,
          channel: { $ref: `#/channels/${entry.name}` },
          summary: `${action === 'receive' ? 'Consumes' : 'Publishes'} ${entry.payload}.`,
          messages: [{ $ref: `#/channels/${entry.name}/messages/${entry.name}` }],
        },
      ];
    }),
  ),
  components: { messages: Object.fromEntries(catalog.map((entry) => [entry.name, message(entry)])) },
};
