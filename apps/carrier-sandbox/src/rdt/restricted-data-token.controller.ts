import { IncomingMessage, ServerResponse } from 'node:http';
import { AmazonCall, AmazonOperation } from '../http/amazon-call';
import { spApiError, spApiErrorReplies } from '../http/sp-api-errors';
import { RestrictedResource } from '../lwa/token.store';
import { SandboxState } from '../state/sandbox-state';

// Tokens API v2021-03-01: a Restricted Data Token is what Merchant Fulfillment v0 wants in x-amz-access-token.
export const RDT_OPERATION: AmazonOperation = {
  scope: 'tokens',
  bucket: 'tokens.createRestrictedDataToken',
  endpoint: 'POST /tokens/2021-03-01/restrictedDataToken',
  rateLimitHeaderOn: new Set([200, 400]),
};

const METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE']);

function parseResources(body: string): RestrictedResource[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'The request body is not valid JSON.';
  }
  const list = (parsed as { restrictedResources?: unknown } | null)?.restrictedResources;
  if (!Array.isArray(list) || list.length === 0) return 'restrictedResources must be a non-empty array.';
  const resources: RestrictedResource[] = [];
  for (const item of list) {
    const { method, path } = (item ?? {}) as { method?: unknown; path?: unknown };
    if (typeof method !== 'string' || !METHODS.has(method))
      return 'restrictedResources[].method must be GET, PUT, POST or DELETE.';
    if (typeof path !== 'string' || !path.startsWith('/'))
      return 'restrictedResources[].path must be an absolute path.';
    resources.push({ method, path });
  }
  return resources;
}

export function handleCreateRestrictedDataToken(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
): void {
  AmazonCall.start(state, req, res, RDT_OPERATION, spApiErrorReplies, undefined, (call) => {
    const token = call.authenticate('lwa');
    if (!token) return;
    if (!call.throttle(token.sellerAccount ?? token.clientId)) return;
    if (call.injectFailure()) return;
    const resources = parseResources(body);
    if (typeof resources === 'string') {
      call.reply(spApiError(400, 'InvalidInput', 'Could not match input arguments', resources));
      return;
    }
    const ttl = state.tokenTtlSeconds();
    const restrictedDataToken = state.tokens.issueRestrictedDataToken(token, resources, ttl, state.now());
    call.reply({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ restrictedDataToken, expiresIn: ttl }),
    });
  });
}
