import { isRecord, str } from '../http/amazon-response.parser';

export interface MfnCurrencyAmount {
  CurrencyCode?: string;
  Amount?: number;
}

export interface MfnAddress {
  Name?: string;
  AddressLine1?: string;
  AddressLine2?: string;
  AddressLine3?: string;
  DistrictOrCounty?: string;
  Email?: string;
  City?: string;
  StateOrProvinceCode?: string;
  PostalCode?: string;
  CountryCode?: string;
  Phone?: string;
}

/** A Merchant Fulfillment shipment as MWS (seed 001) and SP-API MFN v0 return it. */
export interface MfnShipment {
  ShipmentId?: string;
  AmazonOrderId?: string;
  SellerOrderId?: string;
  ItemList: Array<{ OrderItemId?: string; Quantity?: number }>;
  ShipFromAddress?: MfnAddress;
  ShipToAddress?: MfnAddress;
  PackageDimensions?: {
    Length?: number;
    Width?: number;
    Height?: number;
    Unit?: string;
    PredefinedPackageDimensions?: string;
  };
  Weight?: { Value?: number; Unit?: string };
  Insurance?: MfnCurrencyAmount;
  ShippingService?: {
    ShippingServiceName?: string;
    CarrierName?: string;
    ShippingServiceId?: string;
    ShippingServiceOfferId?: string;
    ShipDate?: string;
    EarliestEstimatedDeliveryDate?: string;
    LatestEstimatedDeliveryDate?: string;
    Rate?: MfnCurrencyAmount;
    RateWithAdjustments?: MfnCurrencyAmount;
    ShippingServiceOptions?: {
      DeliveryExperience?: string;
      DeclaredValue?: MfnCurrencyAmount;
      CarrierWillPickUp?: boolean;
      LabelFormat?: string;
    };
    AvailableLabelFormats?: string[];
  };
  Label?: {
    CustomTextForLabel?: string;
    Dimensions?: { Length?: number; Width?: number; Unit?: string };
    // A cancelled shipment has an empty label: FileType "" (outside the model's enum) is accepted as is.
    FileContents?: { Contents?: string; FileType?: string; Checksum?: string };
    LabelFormat?: string;
    StandardIdForLabel?: string;
  };
  Status?: string;
  TrackingId?: string;
  CreatedDate?: string;
  LastUpdatedDate?: string;
}

type Rec = Record<string, unknown>;

function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

// JSON sends lists as arrays; XML wraps them (<ItemList><Item/>…</ItemList>) and a single child is no array.
function listOf(value: unknown, child: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (isRecord(value)) {
    const inner = value[child];
    if (Array.isArray(inner)) return inner;
    return inner === undefined ? [] : [inner];
  }
  return [];
}

function strings(record: Rec, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = str(record[name]);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function numbers(record: Rec, names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of names) {
    const value = num(record[name]);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function sub<T>(value: unknown, map: (record: Rec) => T): T | undefined {
  return isRecord(value) ? map(value) : undefined;
}

const money = (r: Rec): MfnCurrencyAmount => ({ ...strings(r, ['CurrencyCode']), ...numbers(r, ['Amount']) });
const ADDRESS_FIELDS = [
  'Name',
  'AddressLine1',
  'AddressLine2',
  'AddressLine3',
  'DistrictOrCounty',
  'Email',
  'City',
  'StateOrProvinceCode',
  'PostalCode',
  'CountryCode',
  'Phone',
] as const;

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Reads a Shipment from a JSON body or from XML parsed into the same shape; undefined if it is none. */
export function parseMfnShipment(value: unknown): MfnShipment | undefined {
  if (!isRecord(value)) return undefined;
  const service = sub(value['ShippingService'], (s) =>
    withoutUndefined({
      ...strings(s, [
        'ShippingServiceName',
        'CarrierName',
        'ShippingServiceId',
        'ShippingServiceOfferId',
        'ShipDate',
        'EarliestEstimatedDeliveryDate',
        'LatestEstimatedDeliveryDate',
      ]),
      Rate: sub(s['Rate'], money),
      RateWithAdjustments: sub(s['RateWithAdjustments'], money),
      ShippingServiceOptions: sub(s['ShippingServiceOptions'], (o) =>
        withoutUndefined({
          ...strings(o, ['DeliveryExperience', 'LabelFormat']),
          DeclaredValue: sub(o['DeclaredValue'], money),
          CarrierWillPickUp: bool(o['CarrierWillPickUp']),
        }),
      ),
      AvailableLabelFormats:
        s['AvailableLabelFormats'] === undefined
          ? undefined
          : listOf(s['AvailableLabelFormats'], 'string').map((f) => str(f) ?? ''),
    }),
  );
  const label = sub(value['Label'], (l) =>
    withoutUndefined({
      ...strings(l, ['CustomTextForLabel', 'LabelFormat', 'StandardIdForLabel']),
      Dimensions: sub(l['Dimensions'], (d) => ({
        ...numbers(d, ['Length', 'Width']),
        ...strings(d, ['Unit']),
      })),
      FileContents: sub(l['FileContents'], (f) => strings(f, ['Contents', 'FileType', 'Checksum'])),
    }),
  );
  return withoutUndefined({
    ...strings(value, [
      'ShipmentId',
      'AmazonOrderId',
      'SellerOrderId',
      'Status',
      'TrackingId',
      'CreatedDate',
      'LastUpdatedDate',
    ]),
    ItemList: listOf(value['ItemList'], 'Item')
      .filter(isRecord)
      .map((item) => ({ ...strings(item, ['OrderItemId']), ...numbers(item, ['Quantity']) })),
    ShipFromAddress: sub(value['ShipFromAddress'], (a) => strings(a, ADDRESS_FIELDS)),
    ShipToAddress: sub(value['ShipToAddress'], (a) => strings(a, ADDRESS_FIELDS)),
    PackageDimensions: sub(value['PackageDimensions'], (p) => ({
      ...numbers(p, ['Length', 'Width', 'Height']),
      ...strings(p, ['Unit', 'PredefinedPackageDimensions']),
    })),
    Weight: sub(value['Weight'], (w) => ({ ...numbers(w, ['Value']), ...strings(w, ['Unit']) })),
    Insurance: sub(value['Insurance'], money),
    ShippingService: service,
    Label: label,
  });
}

export type MfnCancelResult =
  { kind: 'refund_pending' } | { kind: 'voided' } | { kind: 'rejected'; reason: 'window_expired' };

// ShipmentStatus after a cancel: RefundPending (carrier deciding) → RefundApplied | RefundRejected.
export function cancelResultOf(status: string | undefined): MfnCancelResult | undefined {
  switch (status) {
    case 'RefundPending':
      return { kind: 'refund_pending' };
    case 'RefundApplied':
      return { kind: 'voided' };
    case 'RefundRejected':
      return { kind: 'rejected', reason: 'window_expired' };
    default:
      return undefined;
  }
}

export function shipmentStateOf(
  status: string,
): 'active' | 'refund_pending' | 'refund_applied' | 'refund_rejected' | 'other' {
  switch (status) {
    case 'Purchased':
      return 'active';
    case 'RefundPending':
      return 'refund_pending';
    case 'RefundApplied':
      return 'refund_applied';
    case 'RefundRejected':
      return 'refund_rejected';
    default:
      return 'other';
  }
}
