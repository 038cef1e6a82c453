// Reads for operators: what a cancel would do (never calling the carrier), an order's whole history, and
// cancellations by state. Plain reads: nothing here takes a lock or writes.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { reshipEligible, reshipRuleFor } from '../domain/reship-rule';
import type { ReshipRule } from '../domain/cancellation';
import type { ListQuery } from './admin.schemas';
import {
  type CancellationView,
  type RequestView,
  type ShipmentView,
  loadCancellations,
  loadRequests,
  loadShipments,
} from './admin-views';
import { AdminError } from './http/admin-error';

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

// Cursors are opaque to clients; inside, the id of the last item of the page.
const CURSOR_PREFIX = 'c1:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(id: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string | null {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.slice(CURSOR_PREFIX.length);
  return decoded.startsWith(CURSOR_PREFIX) && UUID.test(id) ? id : null;
}

const notFound = (code: string, message: string): AdminError => new AdminError(404, code, message);

@Injectable()
export class AdminReadService {
  constructor(private readonly dataSource: DataSource) {}

  async preview(orderId: string, shipmentId: string | undefined, now = new Date()): Promise<PreviewView> {
    const manager = this.dataSource.manager;
    const all = await loadShipments(manager, orderId);
    if (all.length === 0) throw notFound('order_not_found', `no shipments are known for order '${orderId}'`);
    const targets = shipmentId === undefined ? all : all.filter((s) => s.shipmentId === shipmentId);
    if (targets.length === 0)
      throw notFound('shipment_not_found', `order '${orderId}' has no shipment '${shipmentId ?? ''}'`);
    const cancellations: Array<{ shipmentId: string; id: string; state: string }> = await manager.query(
      `SELECT shipment_id AS "shipmentId", id, state FROM shipment_cancellation WHERE order_id = $1`,
      [orderId],
    );
    const [orderRequest]: Array<{ id: string }> = await manager.query(
      `SELECT id FROM cancellation_request WHERE order_id = $1 AND scope = 'order'`,
      [orderId],
    );
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
    if (shipmentId === undefined && orderRequest) {
      conflict = {
        error: 'order_already_cancelled',
        message: `order '${orderId}' already has an order-level cancellation`,
        cancellationRequestId: orderRequest.id,
      };
    } else if (shipmentId !== undefined && wouldCancel.length === 0) {
      const target = shipments[0];
      conflict = {
        error: 'shipment_not_cancellable',
        message: `shipment '${shipmentId}' is already cancelled or being cancelled`,
        cancellationRequestId: null,
      };
      if (target?.cancellationId) {
        const [row]: Array<{ requestId: string }> = await manager.query(
          `SELECT request_id AS "requestId" FROM shipment_cancellation WHERE id = $1`,
          [target.cancellationId],
        );
        conflict.cancellationRequestId = row?.requestId ?? null;
      }
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

  async orderCancellations(
    orderId: string,
  ): Promise<{ orderId: string; shipments: ShipmentView[]; requests: RequestView[] }> {
    const manager = this.dataSource.manager;
    const [shipments, requests] = [
      await loadShipments(manager, orderId),
      await loadRequests(manager, orderId),
    ];
    if (shipments.length === 0 && requests.length === 0) {
      throw notFound('order_not_found', `nothing is known about order '${orderId}'`);
    }
    return { orderId, shipments, requests };
  }

  async cancellation(id: string): Promise<CancellationView> {
    const [view] = await loadCancellations(this.dataSource.manager, 'sc.id = $1', [id]);
    if (!view) throw notFound('cancellation_not_found', `no cancellation '${id}'`);
    return view;
  }

  /** One page of cancellations in a state, oldest first; `nextCursor` is null on the last page. */
  async list(
    query: ListQuery,
  ): Promise<{ state: string; items: CancellationView[]; nextCursor: string | null }> {
    const manager = this.dataSource.manager;
    let after: string | null = null;
    if (query.cursor !== undefined) {
      after = decodeCursor(query.cursor);
      const [exists]: unknown[] = after
        ? await manager.query(`SELECT 1 FROM shipment_cancellation WHERE id = $1`, [after])
        : [];
      if (!exists) {
        throw AdminError.validation([
          { location: 'query', path: '/cursor', message: 'is not a cursor this API returned' },
        ]);
      }
    }
    // Keyset pagination on (created_at, id), which never change: no row is skipped or repeated between pages
    // unless it changes state meanwhile. Served by shipment_cancellation_state_idx.
    const rows = await loadCancellations(
      manager,
      `sc.state = $1 AND ($2::uuid IS NULL OR (sc.created_at, sc.id) > (SELECT created_at, id FROM shipment_cancellation WHERE id = $2))`,
      [query.state, after, query.limit + 1],
      { withAttempts: false, orderAndLimit: 'ORDER BY sc.created_at, sc.id LIMIT $3' },
    );
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      state: query.state,
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null,
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
