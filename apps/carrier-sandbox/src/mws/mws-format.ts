import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { mediaType } from '../http/http-exchange';

// The MWS bridge speaks JSON and XML (seed 001): request format from Content-Type, response from Accept.

export type MwsFormat = 'json' | 'xml';

export interface MwsResponseFormat {
  format: MwsFormat;
  contentType: string;
}

const JSON_TYPES = new Set(['application/json', 'text/json']);
const XML_TYPES = new Set(['application/xml', 'text/xml']);

/** JSON unless the first acceptable entry of Accept is an XML type (JSON is the bridge's default). */
export function responseFormat(accept: string | undefined): MwsResponseFormat {
  for (const entry of (accept ?? '').split(',')) {
    if (/;\s*q=0(\.0*)?\s*(;|$)/.test(entry)) continue;
    const type = mediaType(entry);
    if (JSON_TYPES.has(type)) return { format: 'json', contentType: `${type}; charset=utf-8` };
    if (XML_TYPES.has(type)) return { format: 'xml', contentType: `${type}; charset=utf-8` };
  }
  return { format: 'json', contentType: 'application/json; charset=utf-8' };
}

export type ParsedRequest =
  { ok: true; shipmentId: string | undefined } | { ok: false; reason: 'unsupportedMediaType' | 'malformed' };

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
});

/** Reads ShipmentId from an AmzShipmentRequest in JSON, XML or form encoding. */
export function parseShipmentRequest(contentType: string | undefined, body: string): ParsedRequest {
  const type = mediaType(contentType);
  try {
    if (JSON_TYPES.has(type)) {
      const parsed: unknown = JSON.parse(body);
      return { ok: true, shipmentId: stringField(parsed, 'ShipmentId') };
    }
    if (XML_TYPES.has(type)) {
      const doc: unknown = parser.parse(body, true);
      const rootName = Object.keys(doc as object).find((k) => k !== '?xml');
      const root = rootName === undefined ? undefined : (doc as Record<string, unknown>)[rootName];
      return { ok: true, shipmentId: stringField(root, 'ShipmentId') };
    }
    if (type === 'application/x-www-form-urlencoded') {
      return { ok: true, shipmentId: new URLSearchParams(body).get('ShipmentId') ?? undefined };
    }
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  return { ok: false, reason: 'unsupportedMediaType' };
}

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  if (typeof field === 'number') return String(field);
  return typeof field === 'string' && field.length > 0 ? field : undefined;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  suppressEmptyNode: true,
});

/** Same element names as the seed's XML sample: list items become <Item> and <string>; nulls are omitted. */
function toXmlTree(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const itemName = key === 'ItemList' ? 'Item' : 'string';
    return { [itemName]: value.map((v) => toXmlTree(v)) };
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== null && v !== undefined);
    return Object.fromEntries(entries.map(([k, v]) => [k, toXmlTree(v, k)]));
  }
  return String(value);
}

const XSD_NAMESPACES: Record<string, string> = {
  '@_xmlns:xsd': 'http://www.w3.org/2001/XMLSchema',
  '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
};

export function buildXml(
  rootName: string,
  content: Record<string, unknown>,
  attributes: Record<string, string> = XSD_NAMESPACES,
): string {
  const tree = toXmlTree(content) as Record<string, unknown>;
  return builder.build({ [rootName]: { ...attributes, ...tree } }) as string;
}
