import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { EntityManager } from 'typeorm';
import {
  type CloudEvent,
  type DataFor,
  type EventType,
  EventTypes,
  createEvent,
  validateEvent,
} from '@oms/events';
import { APP_CONFIG } from '../platform/config/config.module';
import type { AppConfig } from '../platform/config/config';
import { preparedQuery } from './query-rows';
import { type PreparedEvent, insertOutboxRows, outboxRowParams } from './outbox.fragment';

export type { PreparedEvent };

export interface PendingEvent<K extends EventType = EventType> {
  type: K;
  data: DataFor<K>;
  /** Kafka key: the order id, so every event of an order lands in one partition, in order. */
  key: string;
  /** A pre-assigned event id, when the caller must record it. */
  id?: string;
  /** The W3C traceparent of what caused the event: written as the CloudEvents `traceparent` extension. */
  traceParent?: string | null;
}

/** The CloudEvents distributed-tracing extension attributes. */
export interface TraceExtension {
  traceparent?: string;
  tracestate?: string;
}

/** The outbox's one insert (outbox.fragment), as a statement of its own. */
const APPEND = insertOutboxRows(1);

/** Writes output events into the outbox inside the caller's transaction; the relay publishes them. */
@Injectable()
export class OutboxWriter {
  private readonly committed = new EventEmitter();
  private readonly topicFor: Record<EventType, string | null>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const t = config.topics;
    this.topicFor = {
      [EventTypes.orderCancelled]: null,
      [EventTypes.shipmentPurchased]: null,
      [EventTypes.shipmentCancelled]: t.shipmentCancelled,
      [EventTypes.manualReshipRequired]: t.manualReshipRequired,
      [EventTypes.shipmentCancellationFailed]: t.shipmentCancellationFailed,
      [EventTypes.deadLetter]: t.deadLetter,
    };
  }

  /** Builds, validates and inserts the events; returns them as they will be published. */
  async append(manager: EntityManager, events: PendingEvent[]): Promise<CloudEvent<unknown>[]> {
    if (events.length === 0) return [];
    const prepared = this.prepare(events);
    await preparedQuery(manager, APPEND, outboxRowParams(prepared));
    return prepared.map((p) => p.event);
  }

  /** Builds and validates the events, for a caller that inserts them in a statement of its own. */
  prepare(events: PendingEvent[]): PreparedEvent[] {
    return events.map((pending) => {
      const topic = this.topicFor[pending.type];
      if (!topic) throw new Error(`${pending.type} is an input, not an output`);
      const event = createEvent(pending.type, pending.data, {
        source: this.config.serviceSource,
        subject: pending.key,
        ...(pending.id ? { id: pending.id } : {}),
      });
      if (pending.traceParent) (event as TraceExtension).traceparent = pending.traceParent;
      // An output that breaks its own contract is a bug: fail the transaction rather than publish it.
      validateEvent(event);
      return { topic, key: pending.key, event };
    });
  }

  /** Called after a transaction that appended events commits, so the relay need not wait for its poll. */
  notifyCommitted(): void {
    this.committed.emit('committed');
  }

  onCommitted(listener: () => void): () => void {
    this.committed.on('committed', listener);
    return () => this.committed.off('committed', listener);
  }
}
