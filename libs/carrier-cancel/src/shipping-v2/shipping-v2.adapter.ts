import { SHIPPING_BUSINESS_REGIONS, joinUrl, spApiBaseUrl } from '../amazon-regions';
import { interpretRefusal, rejectionForStatus, traceFields } from '../cancel-outcome.mapper';
import type { AdapterContext, CarrierAdapter } from '../carrier.adapter';
import type { EndpointChoice } from '../carrier-client.config';
import { isRecord, str } from '../http/amazon-response.parser';
import type {
  CancelOutcome,
  CancelRequest,
  RejectReason,
  ShipmentState,
  ShipmentStatusResult,
} from '../port';
import type { AmazonCallRunner, CallSpec } from '../retry/amazon-call.runner';
import { CANCEL_OPERATION } from '../rate-limit/rate-budget';

// getTracking summary.status → the port's states; PickupCancelled is how a cancelled v2 shipment shows.
const TRACKING_STATES: Record<string, ShipmentState> = {
  PreTransit: 'active',
  PickupCancelled: 'cancelled',
  InTransit: 'in_transit',
  OutForDelivery: 'in_transit',
  DeliveryAttempted: 'in_transit',
  AwaitingCustomerPickup: 'in_transit',
  Delivered: 'delivered',
};

/** Amazon Shipping v2 (seed 000): PUT /shipping/v2/shipments/{shipmentId}/cancel. */
export class ShippingV2Adapter implements CarrierAdapter {
  readonly api = 'amazon-shipping-v2' as const;

  constructor(
    private readonly runner: AmazonCallRunner,
    private readonly endpoint: EndpointChoice,
  ) {}

  precheck(request: CancelRequest): { reason: RejectReason; message: string } | undefined {
    if (!request.carrierShipmentId?.trim())
      return { reason: 'invalid_request', message: 'carrierShipmentId is empty' };
    if (!request.businessId)
      return { reason: 'invalid_request', message: 'businessId is required for Amazon Shipping v2' };
    if (!(request.businessId in SHIPPING_BUSINESS_REGIONS)) {
      return { reason: 'invalid_request', message: `unknown shipping business id ${request.businessId}` };
    }
    return undefined;
  }

  supportsStatus(request: CancelRequest): boolean {
    return Boolean(request.trackingId && request.carrierId && this.precheck(request) === undefined);
  }

  async cancel(context: AdapterContext): Promise<CancelOutcome> {
    const { request, outcomes } = context;
    const id = encodeURIComponent(request.carrierShipmentId);
    const result = await this.runner.run(
      this.spec(context, CANCEL_OPERATION, false, (base) => ({
        method: 'PUT',
        url: joinUrl(base, `/shipping/v2/shipments/${id}/cancel`),
      })),
    );
    if (result.kind === 'failure') return outcomes.fromFailure(result.failure, result.trace);
    const { response, trace } = result;
    // 200 {"payload":{}}: the model documents no other success body, so the status alone decides.
    if (response.status >= 200 && response.status < 300) return outcomes.make({ kind: 'voided' }, trace);
    if (response.status === 400) {
      // No public document shows the "already cancelled" body: confirm with getTracking when we can.
      const verify = this.supportsStatus(request)
        ? { by: 'getTracking' as const, read: () => this.status(context) }
        : undefined;
      const verdict = await interpretRefusal(trace.error, verify);
      return outcomes.make(verdict, trace);
    }
    return outcomes.make({ kind: 'rejected', reason: rejectionForStatus(response.status) }, trace);
  }

  async status(context: AdapterContext): Promise<ShipmentStatusResult> {
    const { request } = context;
    if (!request.trackingId || !request.carrierId || this.precheck(request)) return { kind: 'unsupported' };
    const query = new URLSearchParams({ trackingId: request.trackingId, carrierId: request.carrierId });
    const result = await this.runner.run(
      this.spec(context, 'getTracking', true, (base) => ({
        method: 'GET',
        url: joinUrl(base, `/shipping/v2/tracking?${query}`),
      })),
    );
    if (result.kind === 'failure') {
      return {
        kind: 'error',
        message: `getTracking failed: ${result.failure.kind}`,
        ...traceFields(result.trace),
      };
    }
    const { response, parsed, trace } = result;
    if (
      response.status === 404 ||
      (response.status === 400 && /not[\s_-]*found/i.test(trace.error?.message ?? ''))
    ) {
      return { kind: 'not_found', ...(trace.requestId ? { requestId: trace.requestId } : {}) };
    }
    if (
      response.status >= 200 &&
      response.status < 300 &&
      (parsed.format === 'json' || parsed.format === 'xml')
    ) {
      // Real responses wrap the result in `payload`; the model's own example does not.
      const root =
        isRecord(parsed.value) && isRecord(parsed.value['payload']) ? parsed.value['payload'] : parsed.value;
      const summary = isRecord(root) ? root['summary'] : undefined;
      const rawStatus = isRecord(summary) ? str(summary['status']) : undefined;
      if (rawStatus) {
        return {
          kind: 'found',
          state: TRACKING_STATES[rawStatus] ?? 'other',
          rawStatus,
          ...(trace.requestId ? { requestId: trace.requestId } : {}),
        };
      }
    }
    return {
      kind: 'error',
      message: trace.error?.message ?? `getTracking answered HTTP ${response.status} without a status`,
      ...traceFields(trace),
    };
  }

  private spec(
    context: AdapterContext,
    operation: string,
    idempotent: boolean,
    target: (base: string) => { method: 'PUT' | 'GET'; url: string },
  ): CallSpec {
    const { request } = context;
    const businessId = request.businessId as string;
    const base = spApiBaseUrl(this.endpoint, SHIPPING_BUSINESS_REGIONS[businessId] ?? 'eu');
    return {
      api: this.api,
      operation,
      sellerAccount: request.sellerAccount,
      idempotent,
      token: context.lwa,
      deadlineAt: context.deadlineAt,
      signal: request.signal,
      ...(request.awaitingCarrier ? { awaiting: request.awaitingCarrier } : {}),
      context: { carrierShipmentId: request.carrierShipmentId, businessId },
      build: (token) => ({
        ...target(base),
        headers: {
          'x-amz-access-token': token,
          // Optional in the model (default UK) but always sent: the wrong business silently misroutes.
          'x-amzn-shipping-business-id': businessId,
          accept: 'application/json',
        },
      }),
    };
  }
}
