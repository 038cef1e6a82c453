import { IncomingMessage, ServerResponse } from 'node:http';
import { parseFaultProfile } from '../faults/fault-profile';
import { BodyTooLargeError, readBody, sendJson } from '../http/http-exchange';
import { updateSettings } from '../state/sandbox-settings';
import { SandboxState } from '../state/sandbox-state';
import { shipmentView } from '../state/shipment.store';
import { asObject, InputError } from './control-input';

// The sandbox's own API under /__sandbox/: seed, inspect, count, inject faults, reset. Never Amazon's surface.
export const CONTROL_PREFIX = '/__sandbox/';
const BODY_LIMIT_BYTES = 64 * 1024 * 1024;

type Handler = (
  state: SandboxState,
  ctx: { query: URLSearchParams; body: unknown; param: string },
) => [number, unknown];

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new InputError('body must be JSON');
  }
}

// One object → that shipment (with history); an array → {created, replaced, count, shipments} in the order
// given, like GET /__sandbox/shipments; `?view=ids` answers carrierShipmentIds only (for very large seeds).
const seedShipments: Handler = (state, { body, query }) => {
  if (body === undefined) throw new InputError('body must be a shipment or an array of shipments');
  const bulk = Array.isArray(body);
  const result = state.seed(bulk ? body : [body]);
  state.logger.info('shipments seeded', { created: result.created, replaced: result.replaced });
  if (!bulk && result.shipments[0]) return [201, shipmentView(result.shipments[0], true)];
  const counts = { created: result.created, replaced: result.replaced, count: result.shipments.length };
  if (query.get('view') === 'ids') {
    return [201, { ...counts, carrierShipmentIds: result.shipments.map((s) => s.carrierShipmentId) }];
  }
  return [201, { ...counts, shipments: result.shipments.map((s) => shipmentView(s, false)) }];
};

const listShipments: Handler = (state, { query }) => {
  const filter = {
    ...(query.has('orderId') && { orderId: query.get('orderId') ?? '' }),
    ...(query.has('api') && { api: query.get('api') ?? '' }),
    ...(query.has('sellerAccount') && { sellerAccount: query.get('sellerAccount') ?? '' }),
  };
  let shipments = state.refreshAll(state.store.list(filter));
  const status = query.get('status');
  if (status !== null) shipments = shipments.filter((s) => s.status === status);
  return [200, { count: shipments.length, shipments: shipments.map((s) => shipmentView(s, false)) }];
};

const getShipment: Handler = (state, { param }) => {
  const shipment = state.shipment(param);
  if (!shipment) return [404, { error: `no shipment ${param}` }];
  return [200, shipmentView(shipment, true)];
};

const putFaults: Handler = (state, { body }) => {
  const profile = parseFaultProfile(body ?? {}, state.options.faultSeed);
  state.faults.configure(profile);
  state.logger.info('fault profile set', { profile });
  return [200, profile];
};

const clearFaults: Handler = (state) => {
  state.faults.clear();
  state.logger.info('fault profile cleared');
  return [200, { faults: null }];
};

const putRateLimits: Handler = (state, { body }) => {
  state.rateLimiter.configure(body === undefined ? null : body);
  state.logger.info('rate limits set', { rateLimits: state.rateLimiter.view() });
  return [200, state.rateLimiter.view()];
};

const putSettings: Handler = (state, { body }) => {
  state.settings = updateSettings(state.settings, body);
  state.logger.info('settings updated', { settings: state.settings });
  return [200, state.settings];
};

const postCredentials: Handler = (state, { body }) => {
  const applied = state.tokens.configure(body);
  state.logger.info('credentials updated', applied);
  return [200, applied];
};

const reset: Handler = (state, { body }) => {
  const options = body === undefined ? {} : asObject(body, 'reset');
  const seedDemo = options['seedDemo'];
  if (seedDemo !== undefined && typeof seedDemo !== 'boolean')
    throw new InputError('reset.seedDemo must be a boolean');
  state.reset(seedDemo);
  state.logger.info('sandbox reset', {
    seedDemo: seedDemo ?? state.options.seedDemo,
    shipments: state.store.size,
  });
  return [200, { shipments: state.store.size }];
};

const ROUTES: Record<string, Handler> = {
  'POST shipments': seedShipments,
  'GET shipments': listShipments,
  'GET shipments/:id': getShipment,
  // `?view=totals`: without the per-shipment maps, for frequent polling.
  'GET counters': (state, { query }) => [
    200,
    state.counters.toJSON({ perShipment: query.get('view') !== 'totals' }),
  ],
  'DELETE counters': (state) => {
    state.counters.reset();
    return [200, state.counters.toJSON()];
  },
  'GET faults': (state) => [200, state.faults.current() ?? { faults: null }],
  'PUT faults': putFaults,
  'DELETE faults': clearFaults,
  'GET rate-limits': (state) => [200, state.rateLimiter.view()],
  'PUT rate-limits': putRateLimits,
  'GET settings': (state) => [200, state.settings],
  'PUT settings': putSettings,
  'POST credentials': postCredentials,
  'POST reset': reset,
};

export async function handleControl(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: string,
): Promise<void> {
  const rest = path.slice(CONTROL_PREFIX.length).replace(/\/$/, '');
  const slash = rest.indexOf('/');
  const resource = slash < 0 ? rest : `${rest.slice(0, slash)}/:id`;
  const param = slash < 0 ? '' : decodeURIComponent(rest.slice(slash + 1));
  const handler = ROUTES[`${req.method} ${resource}`];
  if (!handler) {
    const known = Object.keys(ROUTES).some((key) => key.endsWith(` ${resource}`));
    sendJson(res, known ? 405 : 404, { error: known ? 'method not allowed' : `no control route ${path}` });
    return;
  }
  try {
    const body = parseJson(await readBody(req, BODY_LIMIT_BYTES));
    const [status, payload] = handler(state, { query: new URLSearchParams(query), body, param });
    sendJson(res, status, payload);
  } catch (err) {
    if (err instanceof InputError) sendJson(res, 400, { error: err.message });
    else if (err instanceof BodyTooLargeError) sendJson(res, 413, { error: err.message });
    else throw err;
  }
}
