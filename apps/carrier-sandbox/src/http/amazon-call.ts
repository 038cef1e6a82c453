import { randomUUID } from 'node:crypto';
import { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { FaultDecision } from '../faults/fault-injector';
import { FaultScope } from '../faults/fault-profile';
import { AccessTokenRecord, AuthFailure, RestrictedResource } from '../lwa/token.store';
import { Arrival } from '../rate-limit/arrival-count';
import { TakeResult } from '../rate-limit/rate-limiter';
import { SandboxState } from '../state/sandbox-state';
import { send } from './http-exchange';

export interface AmazonOperation {
  scope: FaultScope;
  /** Rate-limit bucket name, e.g. "amazon-shipping-v2.cancelShipment". */
  bucket?: string;
  /** Counter key, e.g. "PUT /shipping/v2/shipments/{shipmentId}/cancel". */
  endpoint: string;
  /** Statuses that carry x-amzn-RateLimit-Limit (the model lists it on 200/400/404 only). */
  rateLimitHeaderOn?: ReadonlySet<number>;
  isCancel?: boolean;
}

export interface Reply {
  status: number;
  contentType: string;
  body: string;
  headers?: OutgoingHttpHeaders;
}

/** Each API renders its own error bodies (SP-API JSON, MWS JSON/XML, LWA OAuth). */
export interface ErrorReplies {
  auth(failure: AuthFailure): Reply;
  throttled(): Reply;
  injected(status: number): Reply;
}

export type TokenRequirement = 'lwa' | { rdt: RestrictedResource };

/**
 * One request to the emulated Amazon surface: fault dice, latency and timeouts up front; then the
 * controller authenticates, throttles and acts; reply() writes the answer or drops it after acting.
 */
export class AmazonCall {
  readonly requestId = randomUUID();
  quota: TakeResult | undefined;
  private replied = false;
  // Taken before any latency fault: the quota counts a request when it reaches Amazon, not when it is served.
  private readonly arrival: Arrival | undefined;

  constructor(
    readonly state: SandboxState,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly op: AmazonOperation,
    readonly errors: ErrorReplies,
    readonly shipmentId: string | undefined,
    private readonly fault: FaultDecision | null,
  ) {
    if (op.bucket !== undefined) this.arrival = state.rateLimiter.arrive(op.bucket, state.now());
  }

  /** Runs `handler` unless the fault profile holds the request; may delay it first. */
  static start(
    state: SandboxState,
    req: IncomingMessage,
    res: ServerResponse,
    op: AmazonOperation,
    errors: ErrorReplies,
    shipmentId: string | undefined,
    handler: (call: AmazonCall) => void,
  ): void {
    const call = new AmazonCall(state, req, res, op, errors, shipmentId, state.faults.decide(op.scope));
    if (op.isCancel && shipmentId !== undefined) state.counters.cancelRequested(shipmentId);
    if (call.fault?.outcome === 'timeout') {
      call.holdForever();
      return;
    }
    const latency = call.fault?.latencyMs ?? 0;
    if (latency > 0) {
      state.counters.fault('latency');
      state.later(latency, () => call.run(handler));
    } else {
      call.run(handler);
    }
  }

  /** Verifies x-amz-access-token; answers 403 and returns undefined when it is not acceptable. */
  authenticate(requirement: TokenRequirement): AccessTokenRecord | undefined {
    const header = this.req.headers['x-amz-access-token'];
    const verified = this.state.tokens.verify(
      typeof header === 'string' ? header : undefined,
      this.state.now(),
    );
    let failure: AuthFailure | undefined;
    if (!verified.ok) {
      failure = verified.failure;
    } else if (this.state.faults.consumeTokenExpiry(this.op.scope)) {
      // Token-expiry fault: this token is now expired for good, as a real one would be.
      verified.record.forcedExpired = true;
      this.state.counters.fault('tokenExpired');
      failure = 'expired';
    } else if (requirement === 'lwa') {
      if (verified.record.kind !== 'lwa') failure = 'invalid';
    } else if (verified.record.kind !== 'rdt') {
      failure = 'rdtRequired';
    } else if (!grants(verified.record.resources ?? [], requirement.rdt)) {
      failure = 'rdtScope';
    }
    if (failure !== undefined) {
      this.reply(this.errors.auth(failure));
      return undefined;
    }
    return verified.ok ? verified.record : undefined;
  }

  /**
   * Takes a token from the (operation, principal) bucket as of the request's arrival (Amazon's quota meets a
   * request when it comes in, not after the latency this sandbox adds); answers 429 when it is empty.
   */
  throttle(principal: string): boolean {
    if (this.op.bucket === undefined) return true;
    this.settleArrival(principal);
    this.quota = this.state.rateLimiter.take(this.op.bucket, principal, this.arrival?.at ?? this.state.now());
    if (this.quota.allowed) return true;
    this.state.counters.throttled(`${this.op.bucket}|${principal}`);
    this.reply(this.errors.throttled());
    return false;
  }

  /** An injected error status answers instead of doing the work (nothing changes). */
  injectFailure(): boolean {
    const outcome = this.fault?.outcome;
    if (typeof outcome !== 'number') return false;
    this.state.counters.fault(outcome);
    this.reply(this.errors.injected(outcome), `status ${outcome}`);
    return true;
  }

  reply(reply: Reply, fault?: string): void {
    if (this.replied) return;
    this.replied = true;
    const state = this.state;
    if (this.fault?.outcome === 'dropAfterAct') {
      // The work is done; the caller only sees a reset connection, so the outcome is unknown to it.
      state.counters.fault('dropAfterAct');
      state.counters.call(this.op.endpoint, 'dropped');
      this.record('dropped', reply.status, 'dropAfterAct');
      this.res.socket?.destroy();
      return;
    }
    const headers: OutgoingHttpHeaders = { ...reply.headers };
    headers['x-amzn-RequestId'] = this.requestId;
    if (this.op.bucket !== undefined && this.op.rateLimitHeaderOn?.has(reply.status)) {
      const limit = state.rateLimiter.headerValue(this.op.bucket);
      if (limit !== undefined) headers['x-amzn-RateLimit-Limit'] = limit;
    }
    send(this.res, reply.status, reply.contentType, reply.body, headers);
    state.counters.call(this.op.endpoint, reply.status);
    this.record(reply.status, undefined, fault);
    // Per-request lines only at debug: at thousands of cancels per second they would drown the rest.
    if (state.logger.isDebugEnabled()) {
      state.logger.debug('amazon call', {
        endpoint: this.op.endpoint,
        status: reply.status,
        requestId: this.requestId,
        ...(this.shipmentId !== undefined && { carrierShipmentId: this.shipmentId }),
      });
    }
  }

  private run(handler: (call: AmazonCall) => void): void {
    try {
      handler(this);
    } catch (err) {
      this.state.logger.error('handler failed', { endpoint: this.op.endpoint, error: String(err) });
      this.reply(this.errors.injected(500));
    } finally {
      // Refused before the bucket (a bad token): not counted, but later arrivals must not wait for it.
      this.settleArrival();
    }
  }

  /**
   * Settles this request's place in the arrival order (counted against `principal`'s bucket when given) and
   * books every verdict that became due. A held (timeout) request is settled uncounted: its principal is
   * only known to the handler, which never runs.
   */
  private settleArrival(principal?: string): void {
    if (this.arrival === undefined) return;
    const verdicts = this.state.rateLimiter.settle(this.arrival, this.op.bucket, principal);
    for (const verdict of verdicts) this.state.counters.arrival(verdict);
  }

  private holdForever(): void {
    this.settleArrival();
    this.replied = true;
    this.state.counters.fault('timeout');
    this.state.counters.call(this.op.endpoint, 'timeout');
    this.record('timeout', undefined, 'timeout');
    this.state.hold(this.res.socket);
  }

  private record(outcome: number | 'timeout' | 'dropped', unsentStatus?: number, fault?: string): void {
    if (this.shipmentId === undefined) return;
    const shipment = this.state.store.get(this.shipmentId);
    if (!shipment) return;
    shipment.history.push({
      at: this.state.now(),
      kind: 'request',
      endpoint: this.op.endpoint,
      requestId: this.requestId,
      outcome,
      ...(unsentStatus !== undefined && { unsentStatus }),
      ...(fault !== undefined && { fault }),
    });
  }
}

/** An RDT grants a method on a specific path or on the generic {shipmentId} template. */
function grants(resources: RestrictedResource[], wanted: RestrictedResource): boolean {
  return resources.some(
    (r) => r.method === wanted.method && (r.path === wanted.path || pathTemplateMatches(r.path, wanted.path)),
  );
}

function pathTemplateMatches(template: string, path: string): boolean {
  if (!template.includes('{')) return false;
  const a = template.split('/');
  const b = path.split('/');
  return (
    a.length === b.length && a.every((seg, i) => (seg.startsWith('{') && seg.endsWith('}')) || seg === b[i])
  );
}
