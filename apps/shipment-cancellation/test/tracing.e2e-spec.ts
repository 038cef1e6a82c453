// The trace context of an OrderCancelled (the CloudEvents `traceparent` attribute, or the Kafka header) is kept
// with the cancellation in Postgres, so the ShipmentCancelled the service publishes after a kill -9 and a
// restart carries the same trace id, as the CloudEvents attribute and as the Kafka header. With the OTLP
// exporter on, the stages' spans reach a collector in the input's trace.
import { randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Consumer, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { EventTypes, createEvent, type ShipmentCancelled } from '@oms/events';
import { loadConfig } from '../src/platform/config/config';
import { createDataSource } from '../src/store/data-source';
import { TestKafka } from './support/kafka';
import { waitFor } from './support/ports';
import { SandboxProcess } from './support/sandbox';
import { orderCancelled, purchase } from './support/scenario';
import { ServiceProcess } from './support/service-process';
import { testEnv } from './support/service';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  links?: Array<{ traceId: string }>;
}

interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: OtlpSpan[] }>;
  }>;
}

interface Output {
  event: { type: string; traceparent?: string; data: ShipmentCancelled };
  headers: Record<string, string>;
}

const traceId = (): string => randomUUID().replace(/-/g, '');
const spanId = (): string => randomUUID().replace(/-/g, '').slice(0, 16);

describe('trace context across a restart', () => {
  let sandbox: SandboxProcess;
  let kafka: TestKafka;
  let db: DataSource;
  let env: Record<string, string>;
  let producer: Producer;
  let collector: Consumer;
  const outputs: Output[] = [];
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    sandbox = await SandboxProcess.start();
    env = testEnv(sandbox.url, { LOG_LEVEL: 'error', WORKER_LEASE_MS: '2000' });
    const config = loadConfig(env);
    kafka = new TestKafka(config);
    await kafka.start();
    db = await createDataSource(config.databaseUrl, { poolSize: 2 }).initialize();
    producer = kafka.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    // The shared collector keeps values only: this one keeps the Kafka headers too.
    collector = kafka.kafka.consumer({ groupId: `trace-collector-${randomUUID()}` });
    await collector.connect();
    await collector.subscribe({ topics: [config.topics.shipmentCancelled], fromBeginning: true });
    await collector.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        outputs.push({
          event: JSON.parse(message.value?.toString('utf8') ?? '{}') as Output['event'],
          headers,
        });
      },
    });
  });

  afterAll(async () => {
    for (const service of services) await service.kill();
    await collector?.disconnect();
    await producer?.disconnect();
    await kafka?.stop();
    await db?.destroy();
    await sandbox?.stop();
  });

  it('puts the input trace id on the outcome published after a kill -9 between ingest and outcome', async () => {
    services.push(await ServiceProcess.start(env));
    const inEnvelope = `crash-trace-${randomUUID().slice(0, 8)}`;
    const inHeader = `crash-trace-${randomUUID().slice(0, 8)}`;
    for (const orderId of [inEnvelope, inHeader]) {
      await purchase({ sandbox, kafka, db }, orderId, [{ api: 'amazon-shipping-v2' }]);
    }
    // The carrier refuses every call: the cancellations are ingested and stay undone until the restart.
    await sandbox.setFaults({ seed: 21, errorRates: { '503': 1 } });

    const envelopeTrace = traceId();
    const headerTrace = traceId();
    const topic = env['TOPIC_ORDER_CANCELLED'] as string;
    const envelopeEvent = {
      ...createEvent(EventTypes.orderCancelled, orderCancelled(inEnvelope), { source: '/oms/test-platform' }),
      traceparent: `00-${envelopeTrace}-${spanId()}-01`,
      tracestate: 'vendor=value',
    };
    const headerEvent = createEvent(EventTypes.orderCancelled, orderCancelled(inHeader), {
      source: '/oms/test-platform',
    });
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: inEnvelope, value: JSON.stringify(envelopeEvent) },
        {
          key: inHeader,
          value: JSON.stringify(headerEvent),
          headers: { traceparent: `00-${headerTrace}-${spanId()}-01` },
        },
      ],
    });

    // Ingested, with the trace context kept alongside the request.
    const stored = await waitFor('both requests stored', async () => {
      const rows: Array<{ orderId: string; traceParent: string | null }> = await db.query(
        `SELECT order_id AS "orderId", trace_parent AS "traceParent" FROM cancellation_request
          WHERE order_id = ANY($1)`,
        [[inEnvelope, inHeader]],
      );
      return rows.length === 2 ? new Map(rows.map((r) => [r.orderId, r.traceParent])) : undefined;
    });
    expect(stored.get(inEnvelope)).toBe(envelopeEvent.traceparent);
    expect(stored.get(inHeader)?.slice(3, 35)).toBe(headerTrace);
    await waitFor('a refused carrier call', async () => {
      const [row]: Array<{ n: number }> = await db.query(
        `SELECT count(*)::int AS n FROM carrier_attempt a
           JOIN shipment_cancellation sc ON sc.id = a.shipment_cancellation_id WHERE sc.order_id = ANY($1)`,
        [[inEnvelope, inHeader]],
      );
      return (row?.n ?? 0) > 0 ? true : undefined;
    });

    await services[0]?.kill();
    expect(outputs.filter((o) => [inEnvelope, inHeader].includes(o.event.data.orderId))).toEqual([]);

    await sandbox.setFaults({});
    services.push(await ServiceProcess.start(env));
    const outcomes = await waitFor(
      'both outcomes after the restart',
      () => {
        const found = new Map(
          outputs
            .filter((o) => o.event.type === EventTypes.shipmentCancelled)
            .map((o) => [o.event.data.orderId, o]),
        );
        return found.has(inEnvelope) && found.has(inHeader) ? found : undefined;
      },
      60_000,
    );
    for (const [orderId, trace] of [
      [inEnvelope, envelopeTrace],
      [inHeader, headerTrace],
    ] as const) {
      const outcome = outcomes.get(orderId) as Output;
      expect(outcome.event.traceparent).toMatch(new RegExp(`^00-${trace}-[0-9a-f]{16}-01$`));
      expect(outcome.headers['traceparent']).toBe(outcome.event.traceparent);
    }
  });
  it('exports the stages as spans in the input trace when an OTLP endpoint is set', async () => {
    const exports: OtlpExport[] = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/v1/traces')
          exports.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // The traced instance alone: it ingests, calls the carrier and relays the outbox.
    for (const running of services) await running.kill();
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const service = await ServiceProcess.start({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
      services.push(service);
      const orderId = `traced-${randomUUID().slice(0, 8)}`;
      await purchase({ sandbox, kafka, db }, orderId, [{ api: 'amazon-shipping-v2' }]);
      const trace = traceId();
      const parent = `00-${trace}-${spanId()}-01`;
      const event = {
        ...createEvent(EventTypes.orderCancelled, orderCancelled(orderId), { source: '/oms/test-platform' }),
        traceparent: parent,
      };
      await producer.send({
        topic: env['TOPIC_ORDER_CANCELLED'] as string,
        acks: -1,
        messages: [{ key: orderId, value: JSON.stringify(event) }],
      });
      const outcome = await waitFor(
        'the outcome',
        () => outputs.find((o) => o.event.data.orderId === orderId),
        30_000,
      );
      // Same trace, but the span that made the event, not the input's.
      expect(outcome.event.traceparent).toMatch(new RegExp(`^00-${trace}-[0-9a-f]{16}-01$`));
      expect(outcome.event.traceparent).not.toBe(parent);
      expect(outcome.headers['traceparent']).toBe(outcome.event.traceparent);

      // A graceful stop flushes the spans still batched.
      expect(await service.stop()).toBe(0);
      const spans = exports.flatMap((e) =>
        e.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
      );
      const serviceNames = exports.flatMap((e) =>
        e.resourceSpans.flatMap((r) => r.resource.attributes.filter((a) => a.key === 'service.name')),
      );
      expect(new Set(serviceNames.map((a) => a.value.stringValue))).toEqual(
        new Set(['shipment-cancellation']),
      );
      const inTrace = (name: string) => spans.filter((s) => s.name === name && s.traceId === trace);
      const linked = (name: string) =>
        spans.filter((s) => s.name === name && (s.links ?? []).some((l) => l.traceId === trace));
      expect(inTrace('carrier cancel')).toHaveLength(1);
      expect(inTrace('apply carrier result')).toHaveLength(1);
      expect(inTrace('apply carrier result')[0]?.spanId).toBe(outcome.event.traceparent?.slice(36, 52));
      expect(linked('ingest OrderCancelled').length).toBeGreaterThanOrEqual(1);
      expect(linked('publish outbox').length).toBeGreaterThanOrEqual(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
