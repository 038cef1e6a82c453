import { AuthFailure } from '../lwa/token.store';
import { ErrorReplies, Reply } from './amazon-call';

// SP-API error bodies ({"errors": [{code, message, details?}]}) with the codes seen in real traffic.
const AUTH_DETAILS: Record<AuthFailure, string> = {
  missing: 'Access token is missing in the request header.',
  invalid: 'The access token you provided is revoked, malformed or invalid.',
  expired: 'The access token you provided has expired.',
  rdtRequired: 'This operation returns restricted data and requires a Restricted Data Token.',
  rdtScope: 'The Restricted Data Token does not grant access to the requested resource.',
};

const INJECTED: Record<number, [string, string]> = {
  400: ['InvalidInput', 'Request has missing or invalid parameters and cannot be parsed.'],
  401: ['Unauthorized', "You don't have access to the requested response or the credentials are invalid."],
  403: ['Unauthorized', 'Access to requested resource is denied.'],
  404: ['NotFound', "The requested resource is invalid or doesn't exist"],
  413: ['RequestTooLarge', 'The request size exceeded the maximum accepted size.'],
  415: ['UnsupportedMediaType', 'The request payload is in an unsupported format.'],
  429: ['QuotaExceeded', 'You exceeded your quota for the requested resource.'],
  500: ['InternalFailure', 'We encountered an internal error. Please try again.'],
  503: ['ServiceUnavailable', 'Service temporarily unavailable. Please try again.'],
};

export function spApiError(status: number, code: string, message: string, details?: string): Reply {
  const error = details === undefined ? { code, message } : { code, message, details };
  return { status, contentType: 'application/json', body: JSON.stringify({ errors: [error] }) };
}

export const spApiErrorReplies: ErrorReplies = {
  // SP-API answers every token problem with 403 Unauthorized; the details say which one.
  auth: (failure) =>
    spApiError(403, 'Unauthorized', 'Access to requested resource is denied.', AUTH_DETAILS[failure]),
  throttled: () => spApiError(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.'),
  injected: (status) => {
    const [code, message] = INJECTED[status] ?? (status >= 500 ? INJECTED[500] : INJECTED[400]) ?? ['', ''];
    return spApiError(status, code, message);
  },
};
