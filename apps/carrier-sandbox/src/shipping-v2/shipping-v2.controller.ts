import { IncomingMessage, ServerResponse } from 'node:http';
import { AmazonCall, AmazonOperation } from '../http/amazon-call';
import { spApiError, spApiErrorReplies } from '../http/sp-api-errors';
import { SandboxState } from '../state/sandbox-state';
import { iso, Shipment, SHIPPING_BUSINESS_IDS } from '../state/shipment.model';
import { trackingPayload } from './tracking.view';

// Amazon Shipping v2 (seed 000): PUT .../shipments/{shipmentId}/cancel and GET /shipping/v2/tracking.
const RATE_LIMIT_HEADER_ON = new Set([200, 400, 404]);

export const V2_CANCEL_OPERATION: AmazonOperation = {
  scope: 'amazon-shipping-v2',
  bucket: 'amazon-shipping-v2.cancelShipment',
  endpoint: 'PUT /shipping/v2/shipments/{shipmentId}/cancel',
  rateLimitHeaderOn: RATE_LIMIT_HEADER_ON,
  isCancel: true,
};

export const V2_TRACKING_OPERATION: AmazonOperation = {
  scope: 'amazon-shipping-v2',
  bucket: 'amazon-shipping-v2.getTracking',
  endpoint: 'GET /shipping/v2/tracking',
  rateLimitHeaderOn: RATE_LIMIT_HEADER_ON,
};

const BUSINESS_IDS: ReadonlySet<string> = new Set(SHIPPING_BUSINESS_IDS);
const CANCELLED_BODY = JSON.stringify({ payload: {} });

/**
 * The model marks x-amzn-shipping-business-id optional (default AmazonShipping_UK); the sandbox requires
 * it, because our client always sends it and a silent UK default would hide a missing header.
 */
function businessIdOf(call: AmazonCall): string | undefined {
  const header = call.req.headers['x-amzn-shipping-business-id'];
  if (typeof header !== 'string' || header.length === 0) {
    call.reply(
      spApiError(
        400,
        'InvalidInput',
        'Request has missing or invalid parameters and cannot be parsed.',
        'x-amzn-shipping-business-id header is required.',
      ),
    );
    return undefined;
  }
  if (!BUSINESS_IDS.has(header)) {
    call.reply(
      spApiError(
        400,
        'InvalidInput',
        'Request has missing or invalid parameters and cannot be parsed.',
        `Invalid x-amzn-shipping-business-id: ${header}.`,
      ),
    );
    return undefined;
  }
  return header;
}

function notFound(state: SandboxState, what: string): ReturnType<typeof spApiError> {
  return state.settings.v2NotFoundStatus === 404
    ? spApiError(404, 'NotFound', "The requested resource is invalid or doesn't exist", `${what} not found.`)
    : spApiError(
        400,
        'InvalidInput',
        'Request has missing or invalid parameters and cannot be parsed.',
        `${what} not found.`,
      );
}

function v2Shipment(state: SandboxState, id: string): Shipment | undefined {
  const s = state.shipment(id);
  return s?.api === 'amazon-shipping-v2' ? s : undefined;
}

export function handleV2Cancel(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  shipmentId: string,
): void {
  AmazonCall.start(state, req, res, V2_CANCEL_OPERATION, spApiErrorReplies, shipmentId, (call) => {
    const token = call.authenticate('lwa');
    if (!token) return;
    const shipment = v2Shipment(state, shipmentId);
    if (!call.throttle(shipment?.sellerAccount ?? token.sellerAccount ?? token.clientId)) return;
    if (call.injectFailure()) return;
    const businessId = businessIdOf(call);
    if (businessId === undefined) return;
    // A shipment of another business is invisible to this one.
    if (!shipment || shipment.businessId !== businessId) {
      call.reply(notFound(state, `Shipment ${shipmentId}`));
      return;
    }
    const outcome = state.cancellation.cancel(shipment, state.now());
    switch (outcome.kind) {
      case 'voided':
        call.reply({ status: 200, contentType: 'application/json', body: CANCELLED_BODY });
        return;
      case 'alreadyCancelled':
        // No public doc shows Amazon's body for this; InvalidInput is the code real 400s carry.
        call.reply(
          spApiError(
            400,
            'InvalidInput',
            'The shipment has already been cancelled.',
            `Shipment ${shipmentId} was cancelled at ${iso(shipment.cancelledAt ?? shipment.lastUpdatedAt)}.`,
          ),
        );
        return;
      default:
        call.reply(
          spApiError(
            400,
            'InvalidInput',
            'The shipment cannot be cancelled: it has already been picked up by the carrier.',
            'Cancellation is only possible before carrier pickup.',
          ),
        );
    }
  });
}

export function handleV2Tracking(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
): void {
  const params = new URLSearchParams(query);
  const trackingId = params.get('trackingId') ?? '';
  const carrierId = params.get('carrierId') ?? '';
  const found = trackingId ? state.store.byTracking(trackingId) : undefined;
  AmazonCall.start(
    state,
    req,
    res,
    V2_TRACKING_OPERATION,
    spApiErrorReplies,
    found?.carrierShipmentId,
    (call) => {
      const token = call.authenticate('lwa');
      if (!token) return;
      if (!call.throttle(found?.sellerAccount ?? token.sellerAccount ?? token.clientId)) return;
      if (call.injectFailure()) return;
      const businessId = businessIdOf(call);
      if (businessId === undefined) return;
      if (!trackingId || !carrierId) {
        call.reply(
          spApiError(
            400,
            'InvalidInput',
            'Request has missing or invalid parameters and cannot be parsed.',
            'trackingId and carrierId are required.',
          ),
        );
        return;
      }
      const shipment = found ? v2Shipment(state, found.carrierShipmentId) : undefined;
      if (!shipment || shipment.carrierId !== carrierId || shipment.businessId !== businessId) {
        call.reply(notFound(state, `Tracking ${trackingId}`));
        return;
      }
      call.reply({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ payload: trackingPayload(shipment, state.now()) }),
      });
    },
  );
}
