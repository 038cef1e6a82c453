import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { asyncApiDocument, ConsumerSchemas, decodeEvent, EventTypes, Topics } from './index';

const regenerate =
  'SWC_NODE_PROJECT=libs/events/tsconfig.json node -r @swc-node/register libs/events/scripts/write-asyncapi.ts';

interface Message {
  name: keyof typeof ConsumerSchemas;
  contentType: string;
  payload: unknown;
  examples: { name: string; payload: unknown }[];
}

describe('asyncapi.yaml', () => {
  const file = parse(readFileSync(join(__dirname, '..', 'asyncapi.yaml'), 'utf8'));

  it('is in step with the schemas', () => {
    if (!isDeepStrictEqual(file, JSON.parse(JSON.stringify(asyncApiDocument)))) {
      throw new Error(
        `libs/events/asyncapi.yaml is out of date. Regenerate it from the repository root with:\n  ${regenerate}`,
      );
    }
  });

  it('gives every message the open (consumer) schema of its event, embedding the data schema', () => {
    const messages = Object.entries(file.components.messages as Record<string, Message>);
    expect(messages.map(([name]) => name)).toEqual(Object.keys(EventTypes));
    for (const [id, message] of messages) {
      expect(message.contentType).toBe('application/cloudevents+json');
      const envelope = ConsumerSchemas[`${message.name}Event` as keyof typeof ConsumerSchemas];
      const data = (message.payload as { properties: { data: unknown } }).properties.data;
      if (
        !isDeepStrictEqual(message.payload, envelope) ||
        !isDeepStrictEqual(data, ConsumerSchemas[message.name])
      ) {
        throw new Error(
          `The payload of message ${id} differs from ConsumerSchemas.${message.name}Event: run\n  ${regenerate}`,
        );
      }
    }
  });

  it('shows what the service can store: lengths, control characters, amounts and dates', () => {
    const data = (name: string) => file.components.messages[name].payload.properties.data.properties;
    const { orderId, reason, cancelledAt } = data('orderCancelled');
    expect(orderId).toMatchObject({
      minLength: 1,
      maxLength: 256,
      pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff]*$',
    });
    expect(reason).toMatchObject({ maxLength: 2000 });
    expect(cancelledAt).toMatchObject({
      format: 'date-time',
      formatMinimum: '2000-01-01T00:00:00Z',
      formatMaximum: '2199-12-31T23:59:59.999Z',
    });
    expect(data('shipmentPurchased').labelCost.properties.amount).toMatchObject({
      pattern: '^\\d{1,10}(\\.\\d{1,4})?$',
    });
  });

  it('has examples that decode', () => {
    for (const message of Object.values(file.components.messages as Record<string, Message>)) {
      expect(message.examples.length).toBeGreaterThan(0);
      for (const example of message.examples) {
        expect({ example: example.name, result: decodeEvent(example.payload) }).toMatchObject({
          result: { ok: true },
        });
      }
    }
  });

  it('has a channel per topic, received for inputs and sent for outputs', () => {
    expect(file.asyncapi).toBe('3.0.0');
    const addresses = Object.values(file.channels as Record<string, { address: string }>).map(
      (c) => c.address,
    );
    expect(addresses).toEqual(Object.values(Topics));
    const actions = Object.fromEntries(
      Object.values(file.operations as Record<string, { action: string; channel: { $ref: string } }>).map(
        (op) => [op.channel.$ref.replace('#/channels/', ''), op.action],
      ),
    );
    expect(actions).toEqual({
      orderCancelled: 'receive',
      shipmentPurchased: 'receive',
      shipmentCancelled: 'send',
      manualReshipRequired: 'send',
      shipmentCancellationFailed: 'send',
      deadLetter: 'send',
    });
  });

  it('only has references that resolve', () => {
    const refs = JSON.stringify(file).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const pointer = ref.slice(8, -1).replace(/^#\//, '').split('/');
      const target = pointer.reduce<unknown>(
        (node, key) => (node as Record<string, unknown> | undefined)?.[key],
        file,
      );
      expect({ ref, resolved: target !== undefined }).toEqual({ ref, resolved: true });
    }
  });
});
