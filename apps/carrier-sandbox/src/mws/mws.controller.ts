import { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { AmazonCall, AmazonOperation, ErrorReplies, Reply } from '../http/amazon-call';
import { AuthFailure } from '../lwa/token.store';
import { SandboxState } from '../state/sandbox-state';
import { iso, Shipment } from '../state/shipment.model';
import { buildXml, MwsResponseFormat, parseShipmentRequest, responseFormat } from './mws-format';
import { mwsShipmentDocument } from './mws-shipment.view';

// MWS Merchant Fulfillment through the REST bridge (seed 001): CancelShipment, plus GetShipment to follow
// RefundPending up. Errors use MWS's ErrorResponse (Type/Code/Message), in the caller's format.
export const MWS_CANCEL_OPERATION: AmazonOperation = {
  scope: 'amazon-mfn-mws',
  bucket: 'amazon-mfn-mws.cancelShipment',
  endpoint: 'POST /api/mws/shipment/CancelShipment',
  isCancel: true,
};

export const MWS_GET_OPERATION: AmazonOperation = {
  scope: 'amazon-mfn-mws',
  bucket: 'amazon-mfn-mws.getShipment',
  endpoint: 'POST /api/mws/shipment/GetShipment',
};

const MWS_NAMESPACE = 'https://mws.amazonservices.com/MerchantFulfillment/2015-06-01';

const AUTH_DETAILS: Record<AuthFailure, string> = {
  missing: 'Access token is missing in the request header.',
  invalid: 'The access token you provided is revoked, malformed or invalid.',
  expired: 'The access token you provided has expired.',
  rdtRequired: 'A Restricted Data Token is required.',
  rdtScope: 'The Restricted Data Token does not grant access to the requested resource.',
};

function mwsError(
  out: MwsResponseFormat,
  requestId: string,
  status: number,
  code: string,
  message: string,
  detail?: string,
): Reply {
  const error = {
    Type: status >= 500 ? 'Receiver' : 'Sender',
    Code: code,
    Message: message,
    ...(detail !== undefined && { Detail: detail }),
  };
  const body =
    out.format === 'xml'
      ? buildXml('ErrorResponse', { Error: error, RequestId: requestId }, { '@_xmlns': MWS_NAMESPACE })
      : JSON.stringify({ Error: error, RequestId: requestId });
  return { status, contentType: out.contentType, body };
}

function mwsErrorReplies(out: MwsResponseFormat, requestId: () => string): ErrorReplies {
  return {
    auth: (failure) =>
      mwsError(
        out,
        requestId(),
        403,
        'Unauthorized',
        'Access to requested resource is denied.',
        AUTH_DETAILS[failure],
      ),
    throttled: () => mwsError(out, requestId(), 429, 'RequestThrottled', 'Request is throttled.'),
    injected: (status) => {
      if (status === 429) return mwsError(out, requestId(), 429, 'RequestThrottled', 'Request is throttled.');
      if (status === 503)
        return mwsError(out, requestId(), 503, 'ServiceUnavailable', 'Service is temporarily unavailable.');
      if (status >= 500)
        return mwsError(out, requestId(), status, 'InternalError', 'We encountered an internal error.');
      return mwsError(
        out,
        requestId(),
        status,
        'InvalidRequest',
        'Request has missing or invalid parameters and cannot be parsed.',
      );
    },
  };
}

function successReply(call: AmazonCall, out: MwsResponseFormat, resultName: string, s: Shipment): Reply {
  const now = call.state.now();
  const quota = call.quota?.limit
    ? {
        QuotaMax: call.quota.limit.burst,
        QuotaRemaining: call.quota.remaining ?? null,
        QuotaResetsAt: iso(call.quota.fullAt ?? now).replace('Z', '+00:00'),
      }
    : { QuotaMax: null, QuotaRemaining: null, QuotaResetsAt: null };
  const result = { Shipment: mwsShipmentDocument(s) };
  const headers: OutgoingHttpHeaders = { 'x-mws-request-id': call.requestId, 'x-mws-timestamp': iso(now) };
  if (quota.QuotaMax !== null) {
    headers['x-mws-quota-max'] = String(quota.QuotaMax);
    headers['x-mws-quota-remaining'] = String(quota.QuotaRemaining);
    headers['x-mws-quota-resetsOn'] = quota.QuotaResetsAt ?? '';
  }
  const responseName = resultName.replace('Result', 'Response');
  const body =
    out.format === 'xml'
      ? // The seed's XML sample carries an empty <ResponseHeaderMetadata />; the quota travels in x-mws-* headers.
        buildXml(responseName, {
          [resultName]: result,
          ResponseMetadata: { RequestId: call.requestId },
          ResponseHeaderMetadata: '',
        })
      : JSON.stringify({
          [resultName]: result,
          ResponseMetadata: { RequestId: call.requestId },
          ResponseHeaderMetadata: {
            RequestId: call.requestId,
            ResponseContext: '',
            Timestamp: iso(now),
            ...quota,
          },
        });
  return { status: 200, contentType: out.contentType, body, headers };
}

type MwsAction = 'CancelShipment' | 'GetShipment';

export function handleMws(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  action: MwsAction,
  body: string,
): void {
  const out = responseFormat(req.headers['accept']);
  const parsed = parseShipmentRequest(req.headers['content-type'], body);
  const shipmentId = parsed.ok ? parsed.shipmentId : undefined;
  const op = action === 'CancelShipment' ? MWS_CANCEL_OPERATION : MWS_GET_OPERATION;
  let requestId = '';
  const errors = mwsErrorReplies(out, () => requestId);
  AmazonCall.start(state, req, res, op, errors, shipmentId, (call) => {
    requestId = call.requestId;
    const fail = (status: number, code: string, message: string): void =>
      call.reply(mwsError(out, requestId, status, code, message));
    const token = call.authenticate('lwa');
    if (!token) return;
    const found = shipmentId === undefined ? undefined : state.shipment(shipmentId);
    const shipment = found?.api === 'amazon-mfn-mws' ? found : undefined;
    if (!call.throttle(shipment?.sellerAccount ?? token.sellerAccount ?? token.clientId)) return;
    if (call.injectFailure()) return;
    if (!parsed.ok) {
      if (parsed.reason === 'unsupportedMediaType') {
        fail(415, 'UnsupportedMediaType', 'Use application/json, text/json, application/xml or text/xml.');
      } else {
        fail(400, 'InvalidRequest', 'The request body could not be parsed.');
      }
      return;
    }
    if (shipmentId === undefined) return fail(400, 'InvalidRequest', 'ShipmentId is required.');
    if (!shipment) return fail(404, 'NotFound', `Shipment ${shipmentId} does not exist.`);
    if (action === 'GetShipment') return call.reply(successReply(call, out, 'GetShipmentResult', shipment));

    const outcome = state.cancellation.cancel(shipment, state.now());
    switch (outcome.kind) {
      case 'refundPending':
        return call.reply(successReply(call, out, 'CancelShipmentResult', shipment));
      case 'alreadyCancelled':
        return fail(
          400,
          'InvalidRequest',
          `The shipment has already been cancelled (status ${shipment.status}).`,
        );
      case 'windowExpired':
        return fail(
          400,
          'LabelCancelWindowExpired',
          'The cancellation window for requesting a label refund has expired. Cancellation policies vary by carrier.',
        );
      default:
        return fail(
          400,
          'InvalidRequest',
          `CancelShipment is only available in the Mexico, US, Germany and UK marketplaces (not ${shipment.marketplaceId}).`,
        );
    }
  });
}
