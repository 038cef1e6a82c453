import type { HttpRequest, HttpResult, HttpTransport } from '../../src/http/http.transport';

export type ScriptStep = HttpResult | ((request: HttpRequest) => HttpResult);

/** An HttpTransport answering from a script (last step repeats) and recording every request. */
export class ScriptedTransport implements HttpTransport {
  readonly requests: HttpRequest[] = [];
  private readonly steps: ScriptStep[];

  constructor(...steps: ScriptStep[]) {
    this.steps = steps;
  }

  async send(request: HttpRequest): Promise<HttpResult> {
    this.requests.push(request);
    const step = (this.steps.length > 1 ? this.steps.shift() : this.steps[0]) as ScriptStep;
    return typeof step === 'function' ? step(request) : step;
  }

  async close(): Promise<void> {
    return undefined;
  }
}

export function reply(status: number, json?: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    kind: 'response',
    response: {
      status,
      headers: { 'x-amzn-requestid': `rid-${status}`, ...headers },
      body: json === undefined ? '' : JSON.stringify(json),
    },
  };
}

export const refused: HttpResult = {
  kind: 'failure',
  sent: false,
  reason: 'connection',
  code: 'ECONNREFUSED',
  message: 'connect ECONNREFUSED',
};
export const reset: HttpResult = {
  kind: 'failure',
  sent: true,
  reason: 'connection',
  code: 'UND_ERR_SOCKET',
  message: 'other side closed',
};
export const timedOut: HttpResult = {
  kind: 'failure',
  sent: true,
  reason: 'timeout',
  message: 'no response within 10 ms',
};
