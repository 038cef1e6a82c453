import type { CancellationRow } from '../domain/cancellation';
import { CANCELLATION_REQUEST, SHIPMENT, SHIPMENT_CANCELLATION } from './tables/cancellation.tables';

export type { CancellationRow };

/** Selects a CancellationRow from `shipment_cancellation sc`, `shipment s` and `cancellation_request r`. */
export const CANCELLATION_ROW_COLUMNS = [
  SHIPMENT_CANCELLATION.select('sc', [
    'id',
    'requestId',
    'orderId',
    'shipmentId',
    'carrier',
    'carrierShipmentId',
    'sellerAccount',
    'state',
    'operation',
    'reshipEligible',
    'possiblySent',
    'attempts',
    'attemptsBeforeRetry',
    'eventSequence',
    'lastFinalEventId',
  ]),
  SHIPMENT.select('s', [
    'businessId',
    'marketplaceId',
    'trackingId',
    'carrierId',
    'labelCostAmount',
    'labelCostCurrency',
  ]),
  CANCELLATION_REQUEST.select('r', ['trigger', 'actor', 'causationId', 'correlationId', 'traceParent']),
  `r.reason AS "cancelReason"`,
  `r.created_at AS "requestedAt"`,
].join(', ');

/**
 * `sc.state` hidden from the planner, for statements that find rows by id or order and then test the state:
 * no index on the state is used (docs/architecture.md#postgres-notes says why).
 */
export const STATE_WITHOUT_INDEX = "(sc.state || '')";
