// Reads for operators: what a cancel would do (never calling the carrier), an order's whole history, and
// cancellations by state. Plain reads: nothing here takes a lock or writes.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { reshipEligible, reshipRuleFor } from '../domain/reship-rule';
import type { ReshipRule } from '../domain/cancellation';
import type { ListQuery } from './admin.schemas';
import { AdminReadsStore, type CancellationFilter } from '../store/admin-reads.store';
import { type OrderHistory, orderHistory } from './order-history';
import {
  type CancellationView,
  type RequestView,
  type ShipmentView,
  cancellationById,
  cancellationView,
  requestsOfOrder,
  resolutionView,
  shipmentView,
} from './admin-views';
import { findLatestResolution } from '../store/resolutions.store';
import { AdminError } from './http/admin-error';
import { decodeCursor, encodeCursor } from './list-cursor';

export type Verdict =
  'cancellable' | 'past_window' | 'being_cancelled' | 'already_cancelled' | 'cancel_failed';

export interface PreviewView {
  orderId: string;
  scope: 'order' | 'shipment';
  shipmentId: string | null;
  rule: ReshipRule;
  shipmentCount: number;
  reshipAllowed: boolean;
  manualReshipRequired: boolean;
  decision: 'would_cancel' | 'nothing_to_cancel' | 'conflict';
  conflict: { error: string; message: string; cancellationRequestId: string | null } | null;
  wouldCancel: string[];
  cancellable: string[];
  pastWindow: string[];
  beingCancelled: string[];
  alreadyCancelled: string[];
  cancelFailed: string[];
  shipments: Array<
    ShipmentView & { verdict: Verdict; cancellationId: string | null; cancellationState: string | null }
  >;
}

/** A list's `total` counts this far at most: a count of a busy state must not cost a scan of it. */
export const TOTAL_CAP = 10_000;

export interface CancellationPage {
  state: string;
  items: CancellationView[];
  nextCursor: string | null;
  /** How many match the state and filters, all pages together (at most TOTAL_CAP). */
  total: number;
  totalCapped: boolean;
}

export type OrderView = {
  orderId: string;
  shipments: ShipmentView[];
  requests: RequestView[];
} & OrderHistory;

function filterOf(q: ListQuery): CancellationFilter {
  return {
    ...(q.sellerAccount === undefined ? {} : { sellerAccount: q.sellerAccount }),
    ...(q.marketplaceId === undefined ? {} : { marketplaceId: q.marketplaceId }),
    ...(q.failureReason === undefined ? {} : { failureReason: q.failureReason }),
    ...(q.requiresManualAction === undefined ? {} : { requiresManualAction: q.requiresManualAction }),
    ...(q.updatedBefore === undefined ? {} : { updatedBefore: new Date(q.updatedBefore) }),
  };
}

const notFound = (code: string, message: string): AdminError => new AdminError(404, code, message);

@Injectable()
export class AdminReadService {
  private readonly reads: AdminReadsStore;

  constructor(private readonly dataSource: DataSource) {
    this.reads = new AdminReadsStore(dataSource.manager);
  }

  async preview(orderId: string, shipmentId: string | undefined, now = new Date()): Promise<PreviewView> {
    const all = (await this.reads.shipmentsOfOrder(orderId)).map(shipmentView);
    if (all.length === 0) throw notFound('order_not_found', `no shipments are known for order '${orderId}'`);
    const targets = shipmentId === undefined ? all : all.filter((s) => s.shipmentId === shipmentId);
    if (targets.length === 0)
      throw notFound('shipment_not_found', `order '${orderId}' has no shipment '${shipmentId ?? ''}'`);
    const cancellations = await this.reads.cancellationStatesOfOrder(orderId);
    const orderRequestId = await this.reads.orderLevelRequestId(orderId);
    const byShipment = new Map(cancellations.map((c) => [c.shipmentId, c]));
    const shipments = targets.map((s) => {
      const cancellation = byShipment.get(s.shipmentId) ?? null;
      return {
        ...s,
        verdict: verdictFor(s, cancellation !== null, now),
        cancellationId: cancellation?.id ?? null,
        cancellationState: cancellation?.state ?? null,
      };
    });
    const ids = (verdict: Verdict) => shipments.filter((s) => s.verdict === verdict).map((s) => s.shipmentId);
    // The pipeline sends every active shipment without a cancellation, past its window or not: the carrier is
    // the judge of the window, and its refusal is recorded as a failed cancellation.
    const wouldCancel = [...ids('cancellable'), ...ids('past_window')];
    const rule = reshipRuleFor(all.length);
    let conflict: PreviewView['conflict'] = null;
    if (shipmentId === undefined && orderRequestId !== null) {
      conflict = {
        error: 'order_already_cancelled',
        message: `order '${orderId}' already has an order-level cancellation`,
        cancellationRequestId: orderRequestId,
      };
    } else if (shipmentId !== undefined && wouldCancel.length === 0) {
      conflict = {
        error: 'shipment_not_cancellable',
        message: `shipment '${shipmentId}' is already cancelled or being cancelled`,
        cancellationRequestId: byShipment.get(shipmentId)?.requestId ?? null,
      };
    }
    return {
      orderId,
      scope: shipmentId === undefined ? 'order' : 'shipment',
      shipmentId: shipmentId ?? null,
      rule,
      shipmentCount: all.length,
      reshipAllowed: reshipEligible(rule),
      manualReshipRequired: rule === 'multiple_shipments',
      decision: conflict ? 'conflict' : wouldCancel.length > 0 ? 'would_cancel' : 'nothing_to_cancel',
      conflict,
      wouldCancel: conflict ? [] : wouldCancel,
      cancellable: ids('cancellable'),
      pastWindow: ids('past_window'),
      beingCancelled: ids('being_cancelled'),
      alreadyCancelled: ids('already_cancelled'),
      cancelFailed: ids('cancel_failed'),
      shipments,
    };
  }

  async orderCancellations(orderId: string): Promise<OrderView> {
    const shipments = (await this.reads.shipmentsOfOrder(orderId)).map(shipmentView);
    const requests = await requestsOfOrder(this.reads, orderId);
    if (shipments.length === 0 && requests.length === 0) {
      throw notFound('order_not_found', `nothing is known about order '${orderId}'`);
    }
    return {
      orderId,
      shipments,
      requests,
      ...(await orderHistory(this.reads, orderId, shipments, requests)),
    };
  }

  async cancellation(id: string): Promise<CancellationView> {
    const view = await cancellationById(this.reads, id);
    if (!view) throw notFound('cancellation_not_found', `no cancellation '${id}'`);
    return { ...view, resolution: resolutionView(await findLatestResolution(this.dataSource.manager, id)) };
  }

  /** One page of cancellations in a state, oldest first; `nextCursor` is null on the last page. */
  async list(query: ListQuery): Promise<CancellationPage> {
    let after: string | null = null;
    if (query.cursor !== undefined) {
      after = decodeCursor(query.cursor);
      if (after === null || !(await this.reads.cancellationExists(after))) {
        throw AdminError.validation([
          { location: 'query', path: '/cursor', message: 'is not a cursor this API returned' },
        ]);
      }
    }
    // Keyset pagination on (created_at, id), which never change: no row is skipped or repeated between pages
    // unless it changes state meanwhile.
    const filter = filterOf(query);
    const [rows, total] = await Promise.all([
      this.reads.cancellationsInState(query.state, filter, after, query.limit + 1),
      this.reads.countInState(query.state, filter, TOTAL_CAP + 1),
    ]);
    const items = rows.slice(0, query.limit).map(cancellationView);
    const last = items[items.length - 1];
    return {
      state: query.state,
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null,
      total: Math.min(total, TOTAL_CAP),
      totalCapped: total > TOTAL_CAP,
    };
  }
}

function verdictFor(s: ShipmentView, hasCancellation: boolean, now: Date): Verdict {
  if (s.status === 'cancelled') return 'already_cancelled';
  if (s.status === 'cancel_failed') return 'cancel_failed';
  if (s.status === 'cancelling' || hasCancellation) return 'being_cancelled';
  if (s.cancelWindowEndsAt !== null && new Date(s.cancelWindowEndsAt).getTime() <= now.getTime())
    return 'past_window';
  return 'cancellable';
}
