import { mulberry32 } from '../faults/prng';
import { Counters } from './counters';
import { SandboxSettings } from './sandbox-settings';
import {
  isCancelled,
  MWS_CANCEL_MARKETPLACES,
  RefundResult,
  Shipment,
  ShipmentStatus,
} from './shipment.model';

export type CancelOutcome =
  | { kind: 'voided' }
  | { kind: 'refundPending' }
  | { kind: 'alreadyCancelled' }
  | { kind: 'windowExpired' }
  | { kind: 'unsupportedMarketplace' };

/** The cancel rules of the three APIs, and the lazy resolution of MFN refunds. */
export class CancellationService {
  private random: () => number;

  constructor(
    private readonly counters: Counters,
    private readonly settings: () => SandboxSettings,
    seed: number | string,
  ) {
    this.random = mulberry32(seed);
  }

  reseed(seed: number | string): void {
    this.random = mulberry32(seed);
  }

  cancel(shipment: Shipment, now: number): CancelOutcome {
    this.refresh(shipment, now);
    if (isCancelled(shipment.status)) return { kind: 'alreadyCancelled' };
    const windowOpen = now <= shipment.cancelWindowEndsAt;

    if (shipment.api === 'amazon-shipping-v2') {
      // v2 cancels only before carrier pickup, and voids at once.
      if (!windowOpen) return { kind: 'windowExpired' };
      this.transition(shipment, 'Voided', now, 'cancelShipment accepted');
      shipment.cancelledAt = now;
      this.counters.cancelApplied(shipment.carrierShipmentId);
      return { kind: 'voided' };
    }

    if (shipment.api === 'amazon-mfn-mws') {
      if (!MWS_CANCEL_MARKETPLACES.has(shipment.marketplaceId ?? ''))
        return { kind: 'unsupportedMarketplace' };
      // MWS refuses outright with LabelCancelWindowExpired.
      if (!windowOpen) return { kind: 'windowExpired' };
    }

    // MFN: the cancel is accepted as RefundPending; the carrier decides later. On v0 an expired
    // window is not refused up front: it surfaces as RefundRejected (see the carrier facts, §3).
    this.transition(shipment, 'RefundPending', now, 'cancelShipment accepted');
    shipment.cancelledAt = now;
    this.counters.cancelApplied(shipment.carrierShipmentId);
    this.decideRefund(shipment, now, windowOpen ? undefined : 'cancellation window expired');
    return { kind: 'refundPending' };
  }

  /** A shipment seeded as RefundPending resolves like a cancelled one. */
  onSeeded(shipment: Shipment, now: number): void {
    if (shipment.status === 'RefundPending') this.decideRefund(shipment, now);
  }

  /** Applies a refund decision whose time has come; every read goes through here first. */
  refresh(shipment: Shipment, now: number): void {
    const pending = shipment.pendingRefund;
    if (!pending || pending.at > now || shipment.status !== 'RefundPending') return;
    shipment.pendingRefund = undefined;
    this.transition(shipment, pending.result, pending.at, pending.reason);
  }

  private decideRefund(shipment: Shipment, now: number, forcedRejection?: string): void {
    // Always draw, so the refund dice stay aligned with the sequence of accepted cancels.
    const roll = this.random();
    const settings = this.settings();
    let result: RefundResult;
    let reason: string;
    if (forcedRejection !== undefined) {
      result = 'RefundRejected';
      reason = forcedRejection;
    } else if (shipment.forceRefundResult !== undefined) {
      result = shipment.forceRefundResult;
      reason = 'forced by seed';
    } else if (roll < settings.mfnRefundRejectionRate) {
      result = 'RefundRejected';
      reason = 'carrier rejected the refund';
    } else {
      result = 'RefundApplied';
      reason = 'carrier refunded the label';
    }
    const delay = result === 'RefundApplied' ? settings.mfnRefundDelayMs : settings.mfnRefundRejectionDelayMs;
    shipment.pendingRefund = { result, at: now + delay, reason };
  }

  private transition(shipment: Shipment, to: ShipmentStatus, at: number, reason: string): void {
    shipment.history.push({ at, kind: 'state', from: shipment.status, to, reason });
    shipment.status = to;
    shipment.lastUpdatedAt = at;
  }
}
