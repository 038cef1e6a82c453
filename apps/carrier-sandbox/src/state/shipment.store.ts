import { HistoryEntry, iso, Shipment } from './shipment.model';

export interface ShipmentFilter {
  orderId?: string;
  api?: string;
  sellerAccount?: string;
  status?: string;
}

/** In-memory shipments with the indexes the emulated endpoints need (id, order, tracking id). */
export class ShipmentStore {
  private readonly byId = new Map<string, Shipment>();
  private readonly byOrder = new Map<string, Shipment[]>();
  private readonly byTrackingId = new Map<string, Shipment>();

  get size(): number {
    return this.byId.size;
  }

  get(carrierShipmentId: string): Shipment | undefined {
    return this.byId.get(carrierShipmentId);
  }

  has(carrierShipmentId: string): boolean {
    return this.byId.has(carrierShipmentId);
  }

  byTracking(trackingId: string): Shipment | undefined {
    return this.byTrackingId.get(trackingId);
  }

  /** Inserts or replaces (re-seeding the same id replaces it, so seeding scripts can be re-run). */
  upsert(shipment: Shipment): 'created' | 'replaced' {
    const previous = this.byId.get(shipment.carrierShipmentId);
    if (previous) this.unindex(previous);
    this.byId.set(shipment.carrierShipmentId, shipment);
    const siblings = this.byOrder.get(shipment.orderId);
    if (siblings) siblings.push(shipment);
    else this.byOrder.set(shipment.orderId, [shipment]);
    this.byTrackingId.set(shipment.trackingId, shipment);
    return previous ? 'replaced' : 'created';
  }

  list(filter: ShipmentFilter = {}): Shipment[] {
    const source =
      filter.orderId !== undefined ? (this.byOrder.get(filter.orderId) ?? []) : this.byId.values();
    const out: Shipment[] = [];
    for (const s of source) {
      if (filter.api !== undefined && s.api !== filter.api) continue;
      if (filter.sellerAccount !== undefined && s.sellerAccount !== filter.sellerAccount) continue;
      if (filter.status !== undefined && s.status !== filter.status) continue;
      out.push(s);
    }
    return out;
  }

  clear(): void {
    this.byId.clear();
    this.byOrder.clear();
    this.byTrackingId.clear();
  }

  private unindex(shipment: Shipment): void {
    const siblings = this.byOrder.get(shipment.orderId);
    if (siblings) {
      const rest = siblings.filter((s) => s.carrierShipmentId !== shipment.carrierShipmentId);
      if (rest.length > 0) this.byOrder.set(shipment.orderId, rest);
      else this.byOrder.delete(shipment.orderId);
    }
    if (this.byTrackingId.get(shipment.trackingId) === shipment)
      this.byTrackingId.delete(shipment.trackingId);
  }
}

export type HistoryEntryView = Omit<HistoryEntry, 'at'> & { at: string };

/** The control API's JSON form of a shipment: ISO times, money as given, history on request. */
export function shipmentView(s: Shipment, withHistory: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = {
    carrierShipmentId: s.carrierShipmentId,
    api: s.api,
    orderId: s.orderId,
    amazonOrderId: s.amazonOrderId,
    ...(s.businessId !== undefined && { businessId: s.businessId }),
    ...(s.marketplaceId !== undefined && { marketplaceId: s.marketplaceId }),
    sellerAccount: s.sellerAccount,
    status: s.status,
    purchasedAt: iso(s.purchasedAt),
    cancelWindowEndsAt: iso(s.cancelWindowEndsAt),
    trackingId: s.trackingId,
    ...(s.carrierId !== undefined && { carrierId: s.carrierId }),
    labelCost: { amount: s.labelCost.amount, currency: s.labelCost.currency },
    lastUpdatedAt: iso(s.lastUpdatedAt),
    ...(s.cancelledAt !== undefined && { cancelledAt: iso(s.cancelledAt) }),
    ...(s.pendingRefund !== undefined && {
      pendingRefund: { result: s.pendingRefund.result, at: iso(s.pendingRefund.at) },
    }),
    ...(s.forceRefundResult !== undefined && { forceRefundResult: s.forceRefundResult }),
  };
  if (withHistory) view['history'] = s.history.map((h): HistoryEntryView => ({ ...h, at: iso(h.at) }));
  return view;
}
