import { IncomingMessage, ServerResponse } from 'node:http';
import { AmazonCall, AmazonOperation, Reply } from '../http/amazon-call';
import { spApiError, spApiErrorReplies } from '../http/sp-api-errors';
import { SandboxState } from '../state/sandbox-state';
import { UUID_PATTERN } from '../state/shipment-seed';
import { iso, Shipment } from '../state/shipment.model';
import { mfnShipmentDocument } from './mfn-shipment.view';

// SP-API Merchant Fulfillment v0: DELETE and GET /mfn/v0/shipments/{shipmentId}, behind a Restricted Data Token.
const RATE_LIMIT_HEADER_ON = new Set([200, 400, 404]);

export const V0_CANCEL_OPERATION: AmazonOperation = {
  scope: 'amazon-mfn-v0',
  bucket: 'amazon-mfn-v0.cancelShipment',
  endpoint: 'DELETE /mfn/v0/shipments/{shipmentId}',
  rateLimitHeaderOn: RATE_LIMIT_HEADER_ON,
  isCancel: true,
};

export const V0_GET_OPERATION: AmazonOperation = {
  scope: 'amazon-mfn-v0',
  bucket: 'amazon-mfn-v0.getShipment',
  endpoint: 'GET /mfn/v0/shipments/{shipmentId}',
  rateLimitHeaderOn: RATE_LIMIT_HEADER_ON,
};

function shipmentReply(s: Shipment): Reply {
  return {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({ payload: mfnShipmentDocument(s, 'v0') }),
  };
}

/** Shared front half of both operations: RDT, throttle, faults, id pattern, lookup. */
function resolve(call: AmazonCall, method: 'GET' | 'DELETE', shipmentId: string): Shipment | undefined {
  const state = call.state;
  const token = call.authenticate({ rdt: { method, path: `/mfn/v0/shipments/${shipmentId}` } });
  if (!token) return undefined;
  const found = state.shipment(shipmentId);
  const shipment = found?.api === 'amazon-mfn-v0' ? found : undefined;
  if (!call.throttle(shipment?.sellerAccount ?? token.sellerAccount ?? token.clientId)) return undefined;
  if (call.injectFailure()) return undefined;
  if (!UUID_PATTERN.test(shipmentId)) {
    // Wording of the model's own sandbox example for a malformed id.
    call.reply(
      spApiError(
        400,
        'InvalidInput',
        `1 validation error detected: Value '${shipmentId}' at 'shipmentId' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`,
        '',
      ),
    );
    return undefined;
  }
  if (!shipment) {
    call.reply(
      spApiError(
        404,
        'NotFound',
        "The requested resource is invalid or doesn't exist",
        `Shipment ${shipmentId} not found.`,
      ),
    );
    return undefined;
  }
  return shipment;
}

export function handleV0Cancel(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  shipmentId: string,
): void {
  AmazonCall.start(state, req, res, V0_CANCEL_OPERATION, spApiErrorReplies, shipmentId, (call) => {
    const shipment = resolve(call, 'DELETE', shipmentId);
    if (!shipment) return;
    const outcome = state.cancellation.cancel(shipment, state.now());
    if (outcome.kind === 'refundPending') {
      call.reply(shipmentReply(shipment));
      return;
    }
    call.reply(
      spApiError(
        400,
        'InvalidInput',
        'The shipment has already been cancelled.',
        `Shipment ${shipmentId} is ${shipment.status} since ${iso(shipment.cancelledAt ?? shipment.lastUpdatedAt)}.`,
      ),
    );
  });
}

export function handleV0Get(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  shipmentId: string,
): void {
  AmazonCall.start(state, req, res, V0_GET_OPERATION, spApiErrorReplies, shipmentId, (call) => {
    const shipment = resolve(call, 'GET', shipmentId);
    if (shipment) call.reply(shipmentReply(shipment));
  });
}
