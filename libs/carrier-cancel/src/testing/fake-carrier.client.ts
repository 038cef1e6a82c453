import type {
  CancelOutcome,
  CancelRequest,
  CarrierCancelPort,
  OutcomeBase,
  ShipmentStatusResult,
} from '../port';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a scripted cancel does: an outcome (base fields filled in from the request), a function, or a throw. */
export type ScriptedCancel =
  | (DistributiveOmit<CancelOutcome, 'api' | 'carrierShipmentId' | 'attempts' | 'elapsedMs'> &
      Partial<OutcomeBase>)
  | ((request: CancelRequest) => CancelOutcome | Promise<CancelOutcome>)
  | Error;

type Matcher = string | ((request: CancelRequest) => boolean);

interface Script<T> {
  match: Matcher;
  steps: T[];
}

/**
 * A CarrierCancelPort for the service's unit tests: cancels answer from scripts (per shipment id or predicate,
 * in order, the last step repeating), every call is recorded, and nextTokenInMs is settable.
 */
export class FakeCarrierClient implements CarrierCancelPort {
  readonly cancelCalls: CancelRequest[] = [];
  readonly statusCalls: CancelRequest[] = [];
  private readonly cancelScripts: Array<Script<ScriptedCancel>> = [];
  private readonly statusScripts: Array<Script<ShipmentStatusResult>> = [];
  private tokenWait: number | ((request: Pick<CancelRequest, 'api' | 'sellerAccount'>) => number) = 0;

  /** Used when no script matches. */
  defaultCancel: ScriptedCancel = { kind: 'voided' };
  defaultStatus: ShipmentStatusResult = { kind: 'unsupported' };

  /** Scripts the next cancels of matching shipments; the last step repeats. */
  onCancel(match: Matcher, ...steps: ScriptedCancel[]): this {
    if (steps.length === 0) throw new Error('onCancel needs at least one step');
    this.cancelScripts.push({ match, steps: [...steps] });
    return this;
  }

  onStatus(match: Matcher, ...steps: ShipmentStatusResult[]): this {
    if (steps.length === 0) throw new Error('onStatus needs at least one step');
    this.statusScripts.push({ match, steps: [...steps] });
    return this;
  }

  setNextTokenInMs(wait: number | ((request: Pick<CancelRequest, 'api' | 'sellerAccount'>) => number)): this {
    this.tokenWait = wait;
    return this;
  }

  async cancel(request: CancelRequest): Promise<CancelOutcome> {
    this.cancelCalls.push(request);
    const step = next(this.cancelScripts, request) ?? this.defaultCancel;
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(request);
    return {
      api: request.api,
      carrierShipmentId: request.carrierShipmentId,
      attempts: 1,
      elapsedMs: 0,
      ...step,
    } as CancelOutcome;
  }

  async status(request: CancelRequest): Promise<ShipmentStatusResult> {
    this.statusCalls.push(request);
    return next(this.statusScripts, request) ?? this.defaultStatus;
  }

  nextTokenInMs(request: Pick<CancelRequest, 'api' | 'sellerAccount'>): number {
    return typeof this.tokenWait === 'function' ? this.tokenWait(request) : this.tokenWait;
  }

  /** Mirrors CarrierCancelClient.close(). */
  async close(): Promise<void> {
    return undefined;
  }
}

function next<T>(scripts: Array<Script<T>>, request: CancelRequest): T | undefined {
  const script = scripts.find((s) =>
    typeof s.match === 'string' ? s.match === request.carrierShipmentId : s.match(request),
  );
  if (!script) return undefined;
  return script.steps.length > 1 ? script.steps.shift() : script.steps[0];
}
