// Response schemas of what an order's read adds for people following it: its events and its audit trail
// (order-history.ts).
import { type Schema, bool, int, nullable, object, str, time } from './admin-openapi.schema-parts';

export const historySchemas: Record<string, Schema> = {
  OrderEvent: object(
    {
      eventId: { type: 'string', format: 'uuid' },
      type: { type: 'string', example: 'oms.shipment.cancelled' },
      topic: str,
      shipmentId: { ...nullable(str), description: 'null for ManualReshipRequired (the whole order).' },
      sequence: { type: 'integer', nullable: true },
      outcome: {
        ...nullable(str),
        description: "ShipmentCancelled's outcome, or the failure's (or ManualReshipRequired's) reason.",
      },
      final: { ...bool, nullable: true },
      supersedes: { ...nullable(str), description: 'The earlier final event this one overturns.' },
      createdAt: time,
      publishedAt: { ...nullable(time), description: 'null until the outbox relay has published it.' },
    },
    'An event we published about the order: its ManualReshipRequired, each cancellation\u2019s final events ' +
      '(the last and every one it superseded); none older than the outbox retention.',
  ),
  AuditEntry: object(
    {
      occurredAt: time,
      actor: { type: 'string', description: 'The API key id.' },
      role: { type: 'string', enum: ['viewer', 'operator'] },
      action: str,
      reason: str,
      requestId: { type: 'string', description: 'The x-request-id of the write.' },
      targetType: { type: 'string', enum: ['order', 'shipment', 'shipment_cancellation'] },
      targetId: str,
      responseStatus: int,
    },
    'An admin write on the order, one of its shipments or its cancellations.',
  ),
};
