// What an order's read adds to its shipments and requests for a person following it: the events we published
// about it and the admin writes on it (the audit trail). Times are ISO 8601 UTC.
import { EventTypes } from '@oms/events';
import type { AdminReadsStore, AuditRow, OrderEventRow } from '../store/admin-reads.store';
import type { RequestView, ShipmentView } from './admin-views';

export interface EventView {
  eventId: string;
  /** The CloudEvents type, e.g. oms.shipment.cancelled. */
  type: string;
  topic: string;
  /** The shipment it reports on; null for ManualReshipRequired (the whole order). */
  shipmentId: string | null;
  sequence: number | null;
  /** ShipmentCancelled's outcome, or ShipmentCancellationFailed's and ManualReshipRequired's reason. */
  outcome: string | null;
  final: boolean | null;
  supersedes: string | null;
  createdAt: string;
  /** null while the outbox relay has not yet published it. */
  publishedAt: string | null;
}

/** One admin write in an order's history, as the API answers it. */
export type AuditView = Omit<AuditRow, 'occurredAt'> & { occurredAt: string };

export interface OrderHistory {
  events: EventView[];
  audit: AuditView[];
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function eventView(row: OrderEventRow): EventView {
  const data = row.payload.data ?? {};
  return {
    eventId: row.eventId,
    type: row.eventType,
    topic: row.topic,
    shipmentId: text(data['shipmentId']),
    sequence: typeof data['sequence'] === 'number' ? data['sequence'] : null,
    outcome: text(data['outcome']) ?? text(data['reason']),
    // A failure is always final; ManualReshipRequired has no such notion.
    final:
      typeof data['final'] === 'boolean'
        ? data['final']
        : row.eventType === EventTypes.shipmentCancellationFailed
          ? true
          : null,
    supersedes: text(data['supersedes']),
    createdAt: row.createdAt.toISOString(),
    publishedAt: row.publishedAt?.toISOString() ?? null,
  };
}

function auditView(row: AuditRow): AuditView {
  return { ...row, occurredAt: row.occurredAt.toISOString() };
}

/** The order's events (see AdminReadsStore.eventsOfOrder) and its audit trail, both oldest first. */
export async function orderHistory(
  reads: AdminReadsStore,
  orderId: string,
  shipments: ShipmentView[],
  requests: RequestView[],
): Promise<OrderHistory> {
  const cancellations = requests.flatMap((r) => r.cancellations);
  const shipmentIds = new Set([
    ...shipments.map((s) => s.shipmentId),
    ...cancellations.map((c) => c.shipmentId),
  ]);
  const [events, audit] = await Promise.all([
    reads.eventsOfOrder(orderId),
    reads.auditOf(
      orderId,
      [...shipmentIds],
      cancellations.map((c) => c.id),
    ),
  ]);
  return { events: events.map(eventView), audit: audit.map(auditView) };
}
