import { IncomingMessage, ServerResponse } from 'node:http';
import { AmazonCall, AmazonOperation, ErrorReplies, Reply } from '../http/amazon-call';
import { mediaType } from '../http/http-exchange';
import { SandboxState } from '../state/sandbox-state';

// Login with Amazon: POST /auth/o2/token, refresh_token grant, answered with LWA's OAuth bodies.
export const LWA_TOKEN_OPERATION: AmazonOperation = { scope: 'lwa', endpoint: 'POST /auth/o2/token' };

function oauthError(status: number, error: string, description: string): Reply {
  return {
    status,
    contentType: 'application/json;charset=UTF-8',
    body: JSON.stringify({ error, error_description: description }),
    headers: { 'cache-control': 'no-cache, no-store', pragma: 'no-cache' },
  };
}

const lwaErrors: ErrorReplies = {
  auth: () => oauthError(401, 'invalid_client', 'Client authentication failed'),
  throttled: () => oauthError(429, 'slow_down', 'Too many requests'),
  injected: (status) =>
    status >= 500
      ? oauthError(
          status,
          status === 503 ? 'temporarily_unavailable' : 'server_error',
          'Internal Server Error',
        )
      : oauthError(status, 'invalid_request', 'The request could not be processed'),
};

/** LWA takes form-encoded bodies; JSON is accepted too, as the SP-API docs also show it. */
function parseGrant(contentType: string | undefined, body: string): Record<string, string> | undefined {
  const type = mediaType(contentType);
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null) return undefined;
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
      return out;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}

export function handleLwaToken(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
): void {
  AmazonCall.start(state, req, res, LWA_TOKEN_OPERATION, lwaErrors, undefined, (call) => {
    if (call.injectFailure()) return;
    const grant = parseGrant(req.headers['content-type'], body);
    if (grant === undefined) {
      call.reply(oauthError(400, 'invalid_request', 'The request body could not be parsed'));
      return;
    }
    for (const param of ['grant_type', 'client_id', 'client_secret']) {
      if (!grant[param]) {
        call.reply(
          oauthError(400, 'invalid_request', `The request is missing a required parameter : ${param}`),
        );
        return;
      }
    }
    if (grant['grant_type'] !== 'refresh_token') {
      call.reply(
        oauthError(
          400,
          'unsupported_grant_type',
          'The authorization grant type is not supported by the authorization server',
        ),
      );
      return;
    }
    const refreshToken = grant['refresh_token'];
    if (!refreshToken) {
      call.reply(
        oauthError(400, 'invalid_request', 'The request is missing a required parameter : refresh_token'),
      );
      return;
    }
    const ttl = state.tokenTtlSeconds();
    const result = state.tokens.exchange(
      grant['client_id'] ?? '',
      grant['client_secret'] ?? '',
      refreshToken,
      ttl,
      state.now(),
    );
    if (!result.ok) {
      call.reply(
        result.error === 'invalid_client'
          ? lwaErrors.auth('invalid')
          : oauthError(400, 'invalid_grant', 'The request has an invalid grant parameter : refresh_token'),
      );
      if (result.error === 'invalid_grant')
        state.logger.info('lwa refresh token refused', { requestId: call.requestId });
      return;
    }
    call.reply({
      status: 200,
      contentType: 'application/json;charset=UTF-8',
      headers: { 'cache-control': 'no-cache, no-store', pragma: 'no-cache' },
      body: JSON.stringify({
        access_token: result.accessToken,
        refresh_token: refreshToken,
        token_type: 'bearer',
        expires_in: ttl,
      }),
    });
  });
}
