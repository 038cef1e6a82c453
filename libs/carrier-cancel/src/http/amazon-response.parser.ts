import { XMLParser } from 'fast-xml-parser';
import type { HttpResponse } from './http.transport';

/** The first error of an Amazon error body, whatever its dialect. */
export interface AmazonError {
  code?: string;
  message?: string;
  details?: string;
}

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  // Keep every value a string: the mappers coerce numbers themselves, and ids must never become numbers.
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
});

/** For XML, `value` is the root element's content (so it has the JSON shape) and `root` its name. */
export type Parsed =
  | { format: 'json'; value: unknown }
  | { format: 'xml'; value: unknown; root: string }
  | { format: 'none' }
  | { format: 'invalid' };

/** Parses a JSON or XML body by sniffing it (bridges mislabel content types); never throws. */
export function parseBody(body: string): Parsed {
  const text = body.trim();
  if (text === '') return { format: 'none' };
  try {
    if (text.startsWith('{') || text.startsWith('[')) return { format: 'json', value: JSON.parse(text) };
    if (text.startsWith('<')) {
      const document: unknown = xmlParser.parse(text);
      const roots = isRecord(document) ? Object.keys(document).filter((key) => !key.startsWith('?')) : [];
      const root = roots[0];
      if (roots.length !== 1 || root === undefined || !isRecord(document)) return { format: 'invalid' };
      return { format: 'xml', value: document[root], root };
    }
  } catch {
    return { format: 'invalid' };
  }
  return { format: 'invalid' };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function pick(record: Record<string, unknown>, ...names: string[]): unknown {
  for (const name of names) {
    if (name in record) return record[name];
  }
  return undefined;
}

function fromErrorObject(value: unknown): AmazonError | undefined {
  const item = Array.isArray(value) ? value[0] : value;
  if (!isRecord(item)) return undefined;
  const error: AmazonError = {
    code: str(pick(item, 'code', 'Code', 'error')),
    message: str(pick(item, 'message', 'Message', 'error_description', 'ExceptionMessage')),
    details: str(pick(item, 'details', 'Details', 'Detail')),
  };
  return error.code || error.message || error.details ? error : undefined;
}

/**
 * SP-API `{errors:[…]}` (v2 wraps the list in an object, MFN v0 sends the bare array), MWS
 * `<ErrorResponse><Error>…`, the bridge's `{Error:{…}}` / `{Errors:[…]}`, and ASP.NET `{Message}`.
 */
export function extractError(parsed: Parsed): AmazonError | undefined {
  if (parsed.format !== 'json' && parsed.format !== 'xml') return undefined;
  let root = parsed.value;
  if (Array.isArray(root)) return fromErrorObject(root);
  if (!isRecord(root)) return undefined;
  if (isRecord(root['ErrorResponse'])) root = root['ErrorResponse'];
  if (!isRecord(root)) return undefined;
  if (parsed.format === 'xml' && parsed.root === 'Error') return fromErrorObject(root);
  for (const key of ['errors', 'Errors', 'Error', 'error']) {
    const value = root[key];
    if (value === undefined) continue;
    // <Errors><Error>…</Error></Errors> nests once more.
    const inner = isRecord(value) && value['Error'] !== undefined ? value['Error'] : value;
    const found = fromErrorObject(inner);
    if (found) return found;
    if (typeof value === 'string') return { code: value, message: str(root['error_description']) };
  }
  return fromErrorObject(root);
}

/** `ResponseMetadata.RequestId` (MWS) first, then `x-amzn-RequestId` and the MWS header. */
export function requestIdOf(response: HttpResponse, parsed: Parsed): string | undefined {
  if (parsed.format === 'json' || parsed.format === 'xml') {
    const root = parsed.value;
    if (isRecord(root)) {
      const meta = root['ResponseMetadata'];
      const fromMeta = isRecord(meta) ? str(meta['RequestId']) : undefined;
      const fromRoot = str(root['RequestId']);
      if (fromMeta) return fromMeta;
      if (fromRoot) return fromRoot;
    }
  }
  return response.headers['x-amzn-requestid'] ?? response.headers['x-mws-request-id'] ?? undefined;
}

function text(error: AmazonError | undefined): string {
  return error ? `${error.code ?? ''} ${error.message ?? ''} ${error.details ?? ''}` : '';
}

// No public document shows these bodies, so match the wording Amazon uses across its APIs.
export function saysAlreadyCancelled(error: AmazonError | undefined): boolean {
  return /already[\s_-]*(been[\s_-]*)?(cancel+ed|cancel+ation|voided|refunded|cancel)|has been cancel+ed|is cancel+ed|refund (has )?already been (requested|applied)/i.test(
    text(error),
  );
}

export function saysWindowExpired(error: AmazonError | undefined): boolean {
  return /CancelWindowExpired|cancel+ation window (has )?expired|window (has )?expired/i.test(text(error));
}

export function saysNotFound(error: AmazonError | undefined): boolean {
  return /not[\s_-]*found|does ?n[o']t exist|no (such )?shipment/i.test(text(error));
}

export function saysNotCancellable(error: AmazonError | undefined): boolean {
  return /can ?n[o']t be cancel|not[\s_-]*cancel+able|already (been )?(picked up|shipped|in transit|delivered|manifested)|picked up/i.test(
    text(error),
  );
}

export function saysTokenExpired(error: AmazonError | undefined): boolean {
  return /token[^.]*(has )?expired|expired[^.]*token/i.test(text(error));
}

// SP-API refuses an access token with code Unauthorized; a bare 403 without any code counts the same.
export function saysUnauthorized(error: AmazonError | undefined): boolean {
  return error?.code === undefined || /^Unauthorized$/i.test(error.code);
}

// Throttling under a non-429 status (MWS answered RequestThrottled with 503, bridges may use 400).
export function saysThrottled(error: AmazonError | undefined): boolean {
  return /^(QuotaExceeded|RequestThrottled|TooManyRequests|Throttl\w*)$/i.test(error?.code ?? '');
}

export function errorFields(error: AmazonError | undefined): {
  errorCode?: string;
  errorMessage?: string;
  errorDetails?: string;
} {
  const out: { errorCode?: string; errorMessage?: string; errorDetails?: string } = {};
  if (error?.code) out.errorCode = error.code;
  if (error?.message) out.errorMessage = error.message;
  if (error?.details) out.errorDetails = error.details;
  return out;
}
