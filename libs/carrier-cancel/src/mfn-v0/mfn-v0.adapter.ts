import { findMarketplace, isCustomEndpoint, joinUrl, spApiBaseUrl } from '../amazon-regions';
import { interpretRefusal, rejectionForStatus, traceFields } from '../cancel-outcome.mapper';
import type { AdapterContext, CarrierAdapter } from '../carrier.adapter';
import type { EndpointChoice } from '../carrier-client.config';
import type { Parsed } from '../http/amazon-response.parser';
import { isRecord } from '../http/amazon-response.parser';
import {
  cancelResultOf,
  parseMfnShipment,
  shipmentStateOf,
} from '../merchant-fulfillment/mfn-shipment.parser';
import type { MfnShipment } from '../merchant-fulfillment/mfn-shipment.parser';
import type { CancelOutcome, CancelRequest, RejectReason, ShipmentStatusResult } from '../port';
import type { AmazonCallRunner, CallSpec } from '../retry/amazon-call.runner';
import type { RestrictedDataTokenProvider } from './restricted-data-token.provider';
import { CANCEL_OPERATION } from '../rate-limit/rate-budget';

// The model's pattern for shipmentId; checked before calling so a typo costs no 1-per-second token.
const SHIPMENT_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** SP-API Merchant Fulfillment v0: DELETE /mfn/v0/shipments/{shipmentId}, authorised by a Restricted Data Token. */
export class MfnV0Adapter implements CarrierAdapter {
  readonly api = 'amazon-mfn-v0' as const;

  constructor(
    private readonly runner: AmazonCallRunner,
    private readonly rdt: RestrictedDataTokenProvider,
    private readonly endpoint: EndpointChoice,
  ) {}

  precheck(request: CancelRequest): { reason: RejectReason; message: string } | undefined {
    if (!SHIPMENT_ID.test(request.carrierShipmentId ?? '')) {
      return { reason: 'invalid_request', message: 'MFN v0 shipmentId must be a UUID' };
    }
    if (!request.marketplaceId)
      return { reason: 'invalid_request', message: 'marketplaceId is required for MFN v0' };
    if (!isCustomEndpoint(this.endpoint) && !findMarketplace(request.marketplaceId)) {
      return { reason: 'unsupported_marketplace', message: `unknown marketplace ${request.marketplaceId}` };
    }
    return undefined;
  }

  supportsStatus(request: CancelRequest): boolean {
    return this.precheck(request) === undefined;
  }

  async cancel(context: AdapterContext): Promise<CancelOutcome> {
    const { outcomes } = context;
    const result = await this.runner.run(this.spec(context, 'DELETE', CANCEL_OPERATION, false));
    if (result.kind === 'failure') return outcomes.fromFailure(result.failure, result.trace);
    const { response, parsed, trace } = result;
    if (response.status >= 200 && response.status < 300) {
      const shipment = payloadShipment(parsed);
      const mapped = cancelResultOf(shipment?.Status);
      if (!shipment || !mapped) {
        return outcomes.make(
          {
            kind: 'unknown',
            cause: 'malformed_response',
            ...(shipment ? { shipment } : {}),
            errorDetails: shipment
              ? `unexpected shipment Status "${shipment.Status ?? ''}"`
              : 'no payload shipment',
          },
          trace,
        );
      }
      return outcomes.make(
        mapped.kind === 'rejected'
          ? { ...mapped, shipment }
          : { ...mapped, shipment, shipmentStatus: shipment.Status },
        trace,
      );
    }
    if (response.status === 400) {
      // Amazon documents no "already cancelled" error for v0: read the shipment to tell (RefundPending/Applied).
      const verdict = await interpretRefusal(trace.error, {
        by: 'getShipment',
        read: () => this.status(context),
      });
      return outcomes.make(verdict, trace);
    }
    return outcomes.make({ kind: 'rejected', reason: rejectionForStatus(response.status) }, trace);
  }

  async status(context: AdapterContext): Promise<ShipmentStatusResult> {
    if (this.precheck(context.request)) return { kind: 'unsupported' };
    const result = await this.runner.run(this.spec(context, 'GET', 'getShipment', true));
    if (result.kind === 'failure') {
      return {
        kind: 'error',
        message: `getShipment failed: ${result.failure.kind}`,
        ...traceFields(result.trace),
      };
    }
    const { response, parsed, trace } = result;
    if (
      response.status === 404 ||
      (response.status === 400 && /not[\s_-]*found/i.test(trace.error?.message ?? ''))
    ) {
      return { kind: 'not_found', ...traceFields({ requestId: trace.requestId }) };
    }
    const shipment = response.status >= 200 && response.status < 300 ? payloadShipment(parsed) : undefined;
    if (shipment?.Status) {
      return {
        kind: 'found',
        state: shipmentStateOf(shipment.Status),
        rawStatus: shipment.Status,
        ...traceFields({ requestId: trace.requestId }),
      };
    }
    return {
      kind: 'error',
      message: trace.error?.message ?? `getShipment answered HTTP ${response.status} without a status`,
      ...traceFields(trace),
    };
  }

  private spec(
    context: AdapterContext,
    method: 'GET' | 'DELETE',
    operation: string,
    idempotent: boolean,
  ): CallSpec {
    const { request } = context;
    const region = findMarketplace(request.marketplaceId)?.region ?? 'na';
    const baseUrl = spApiBaseUrl(this.endpoint, region);
    const path = `/mfn/v0/shipments/${request.carrierShipmentId}`;
    const token = this.rdt.source(
      {
        credentials: context.credentials,
        lwa: context.lwa,
        sellerAccount: request.sellerAccount,
        baseUrl,
        signal: request.signal,
      },
      { method, path },
    );
    return {
      api: this.api,
      operation,
      sellerAccount: request.sellerAccount,
      idempotent,
      token,
      deadlineAt: context.deadlineAt,
      signal: request.signal,
      ...(request.awaitingCarrier ? { awaiting: request.awaitingCarrier } : {}),
      context: { carrierShipmentId: request.carrierShipmentId },
      build: (rdt) => ({
        method,
        url: joinUrl(baseUrl, path),
        headers: { 'x-amz-access-token': rdt, accept: 'application/json' },
      }),
    };
  }
}

function payloadShipment(parsed: Parsed): MfnShipment | undefined {
  if (parsed.format !== 'json' || !isRecord(parsed.value)) return undefined;
  return parseMfnShipment(parsed.value['payload']);
}
