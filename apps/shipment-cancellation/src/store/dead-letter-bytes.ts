// How a dead letter's bytes are kept and shown. The bytea columns hold the originals; whatever goes into a
// text or jsonb column is made safe first, because Postgres refuses U+0000 in both (and lone surrogates in
// jsonb), and one such message must never fail the transaction that dead-letters it.
import { isUtf8 } from 'node:buffer';
import { safeText as jsonbSafe } from '@oms/events';

/** One Kafka header as stored: its name and its value's bytes; repeats and their order are kept. */
export interface StoredHeader {
  name: string;
  /** The value's bytes, null for a header without a value. */
  base64: string | null;
  /** The name's UTF-8 bytes, only when the name is not storable as jsonb text (then `name` is a safe copy). */
  nameBase64?: string;
}

/** A header value as Kafka clients give it: kafkajs gives an array for a name that repeats. */
export type HeaderValue = Buffer | Uint8Array | string | null | undefined;
export type InboundHeaders = Record<string, HeaderValue | HeaderValue[]>;

export const TEXT_LIMIT = 2_000;

const REPLACEMENT = '\uFFFD';

// C0 controls (NUL first) and DEL, except tab, line feed and carriage return.
function isControl(code: number): boolean {
  return (code <= 0x1f && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (isControl(text.charCodeAt(i))) return true;
  return false;
}

/** Every control character as U+FFFD (one UTF-16 unit for one: the length stays). */
function replaceControls(text: string): string {
  if (!hasControl(text)) return text;
  let out = '';
  for (const char of text) out += char.length === 1 && isControl(char.charCodeAt(0)) ? REPLACEMENT : char;
  return out;
}

/** At most `limit` UTF-16 units, never splitting a surrogate pair; a cut text ends with '…'. */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = Math.max(0, limit - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Text fit for a text or jsonb column: control characters and lone surrogates become U+FFFD, then capped. */
export function safeText(text: string, limit = TEXT_LIMIT): string {
  return truncate(replaceControls(jsonbSafe(text)), limit);
}

/** `safeText` for a column that may be null. */
export function safeNullableText(text: string | null | undefined, limit = TEXT_LIMIT): string | null {
  return text === null || text === undefined ? null : safeText(text, limit);
}

function toBuffer(bytes: Buffer | Uint8Array | string): Buffer {
  if (typeof bytes === 'string') return Buffer.from(bytes, 'utf8');
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function storableName(name: string): boolean {
  return jsonbSafe(name) === name;
}

/** The headers as stored: one entry per value, in the order the client gave them. */
export function storedHeaders(headers: InboundHeaders | undefined): StoredHeader[] {
  const stored: StoredHeader[] = [];
  for (const [name, raw] of Object.entries(headers ?? {})) {
    // A name the client lists without any value (kafkajs: undefined) was not on the record.
    if (raw === undefined) continue;
    const named = storableName(name)
      ? { name }
      : {
          name: safeText(name, Number.MAX_SAFE_INTEGER),
          nameBase64: Buffer.from(name, 'utf8').toString('base64'),
        };
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (value === undefined) continue;
      stored.push({ ...named, base64: value === null ? null : toBuffer(value).toString('base64') });
    }
  }
  return stored;
}

/** The original header name, from its bytes when it had to be stored as a safe copy. */
export function headerName(header: StoredHeader): string {
  return header.nameBase64 === undefined
    ? header.name
    : Buffer.from(header.nameBase64, 'base64').toString('utf8');
}

/**
 * The headers in the shape kafkajs sends: a name once, its values in order (an array when it repeats).
 * kafkajs cannot send a header without a value (it sizes every value as bytes), so such a header goes
 * out with an empty value.
 */
export function kafkaHeaders(stored: readonly StoredHeader[]): Record<string, Buffer | Buffer[]> {
  const byName = new Map<string, Buffer[]>();
  for (const header of stored) {
    const name = headerName(header);
    const value = header.base64 === null ? Buffer.alloc(0) : Buffer.from(header.base64, 'base64');
    byName.set(name, [...(byName.get(name) ?? []), value]);
  }
  // fromEntries defines own properties, so even a header named __proto__ stays a header.
  return Object.fromEntries(
    [...byName].map(([name, values]) => [name, values.length === 1 ? (values[0] as Buffer) : values]),
  );
}

/** Bytes for people: always base64; the text too when it is valid UTF-8 without control characters. */
export interface BytesView {
  base64: string;
  utf8: string | null;
}

export function bytesView(bytes: Buffer): BytesView {
  const text = isUtf8(bytes) ? bytes.toString('utf8') : null;
  return { base64: bytes.toString('base64'), utf8: text !== null && !hasControl(text) ? text : null };
}

/** A best-effort reading of any bytes: invalid UTF-8 and control characters (NUL first) show as U+FFFD. */
export function textPreview(bytes: Buffer, limit: number): { text: string; truncated: boolean } {
  const text = bytes.toString('utf8');
  const shown = truncate(text, limit);
  return { text: replaceControls(shown), truncated: shown !== text };
}
