import { joinUrl } from '../amazon-regions';
import { interpretRefusal, rejectionForStatus } from '../cancel-outcome.mapper';
import type { AdapterContext, CarrierAdapter } from '../carrier.adapter';
import { isRecord } from '../http/amazon-response.parser';
import { cancelResultOf, parseMfnShipment } from '../merchant-fulfillment/mfn-shipment.parser';
import type { CancelOutcome, CancelRequest, RejectReason, ShipmentStatusResult } from '../port';
import type { AmazonCallRunner } from '../retry/amazon-call.runner';
import { mwsCancelMarketplace } from './mws-marketplaces';
import { cancelShipmentBody } from './mws-xml.codec';
import { CANCEL_OPERATION } from '../rate-limit/rate-budget';

const CANCEL_PATH = 'api/mws/shipment/CancelShipment';

/** MWS Merchant Fulfillment CancelShipment through the REST bridge (seed 001), JSON or XML. */
export class MwsBridgeAdapter implements CarrierAdapter {
  readonly api = 'amazon-mfn-mws' as const;

  constructor(
    private readonly runner: AmazonCallRunner,
    private readonly bridgeBaseUrl: string,
    private readonly format: 'json' | 'xml',
  ) {}

  precheck(request: CancelRequest): { reason: RejectReason; message: string } | undefined {
    if (!request.carrierShipmentId?.trim())
      return { reason: 'invalid_request', message: 'carrierShipmentId is empty' };
    if (!request.marketplaceId)
      return { reason: 'invalid_request', message: 'marketplaceId is required for MWS' };
    if (!mwsCancelMarketplace(request.marketplaceId)) {
      return {
        reason: 'unsupported_marketplace',
        message: `MWS CancelShipment is only available in the MX, US, DE and UK marketplaces, not ${request.marketplaceId}`,
      };
    }
    return undefined;
  }

  supportsStatus(): boolean {
    return false;
  }

  async cancel(context: AdapterContext): Promise<CancelOutcome> {
    const { request, outcomes } = context;
    const { contentType, body } = cancelShipmentBody(request.carrierShipmentId, this.format);
    const result = await this.runner.run({
      api: this.api,
      operation: CANCEL_OPERATION,
      sellerAccount: request.sellerAccount,
      idempotent: false,
      token: context.lwa,
      deadlineAt: context.deadlineAt,
      signal: request.signal,
      ...(request.awaitingCarrier ? { awaiting: request.awaitingCarrier } : {}),
      context: { carrierShipmentId: request.carrierShipmentId, format: this.format },
      build: (token) => ({
        method: 'POST',
        url: joinUrl(this.bridgeBaseUrl, CANCEL_PATH),
        headers: { 'content-type': contentType, accept: contentType, 'x-amz-access-token': token },
        body,
      }),
    });
    if (result.kind === 'failure') return outcomes.fromFailure(result.failure, result.trace);
    const { response, parsed, trace } = result;
    if (response.status >= 200 && response.status < 300) {
      const root = parsed.format === 'json' || parsed.format === 'xml' ? parsed.value : undefined;
      const cancelResult = isRecord(root) ? root['CancelShipmentResult'] : undefined;
      const shipment = parseMfnShipment(isRecord(cancelResult) ? cancelResult['Shipment'] : undefined);
      if (!shipment) {
        return outcomes.make(
          {
            kind: 'unknown',
            cause: 'malformed_response',
            errorDetails: 'no CancelShipmentResult.Shipment in the response',
          },
          trace,
        );
      }
      const mapped = cancelResultOf(shipment.Status);
      if (!mapped) {
        // A 200 whose Status is not a post-cancel state: report it rather than guess.
        return outcomes.make(
          {
            kind: 'unknown',
            cause: 'malformed_response',
            shipment,
            errorDetails: `unexpected shipment Status "${shipment.Status ?? ''}"`,
          },
          trace,
        );
      }
      const shipmentStatus = shipment.Status;
      return outcomes.make(
        mapped.kind === 'rejected' ? { ...mapped, shipment } : { ...mapped, shipment, shipmentStatus },
        trace,
      );
    }
    // MWS reports refusals as 400s with codes (LabelCancelWindowExpired, …); there is no status read.
    if (response.status === 400) return outcomes.make(await interpretRefusal(trace.error), trace);
    return outcomes.make({ kind: 'rejected', reason: rejectionForStatus(response.status) }, trace);
  }

  async status(): Promise<ShipmentStatusResult> {
    return { kind: 'unsupported' };
  }
}
