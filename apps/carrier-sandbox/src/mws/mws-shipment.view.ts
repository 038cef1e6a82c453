import { mfnShipmentDocument } from '../mfn-v0/mfn-shipment.view';
import { Shipment } from '../state/shipment.model';

type Shape = true | Shape[] | { [key: string]: Shape };

// The bridge (.NET) serializes every property of MWSMerchantFulfillmentService.Model.Shipment, null when
// unset: the seed's sample lists them all, in this order. `true` marks a leaf.
const ADDRESS: Shape = {
  Name: true,
  AddressLine1: true,
  AddressLine2: true,
  AddressLine3: true,
  DistrictOrCounty: true,
  Email: true,
  City: true,
  StateOrProvinceCode: true,
  PostalCode: true,
  CountryCode: true,
  Phone: true,
};
const MONEY: Shape = { CurrencyCode: true, Amount: true };

const SEED_SHIPMENT_SHAPE: Shape = {
  ShipmentId: true,
  AmazonOrderId: true,
  SellerOrderId: true,
  ItemList: [{ OrderItemId: true, Quantity: true }],
  ShipFromAddress: ADDRESS,
  ShipToAddress: ADDRESS,
  PackageDimensions: {
    Length: true,
    Width: true,
    Height: true,
    Unit: true,
    PredefinedPackageDimensions: true,
  },
  Weight: { Value: true, Unit: true },
  Insurance: MONEY,
  ShippingService: {
    ShippingServiceName: true,
    CarrierName: true,
    ShippingServiceId: true,
    ShippingServiceOfferId: true,
    ShipDate: true,
    EarliestEstimatedDeliveryDate: true,
    LatestEstimatedDeliveryDate: true,
    Rate: MONEY,
    ShippingServiceOptions: {
      DeliveryExperience: true,
      DeclaredValue: MONEY,
      CarrierWillPickUp: true,
      LabelFormat: true,
    },
    AvailableLabelFormats: [true],
  },
  Label: {
    CustomTextForLabel: true,
    Dimensions: { Length: true, Width: true, Unit: true },
    FileContents: { Contents: true, FileType: true, Checksum: true },
    LabelFormat: true,
    StandardIdForLabel: true,
  },
  Status: true,
  TrackingId: true,
  CreatedDate: true,
  LastUpdatedDate: true,
};

function conform(shape: Shape, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (shape === true) return value;
  if (Array.isArray(shape)) {
    const item = shape[0] ?? true;
    return Array.isArray(value) ? value.map((v) => conform(item, v)) : null;
  }
  const source = value as Record<string, unknown>;
  return Object.fromEntries(Object.entries(shape).map(([key, sub]) => [key, conform(sub, source[key])]));
}

/** CancelShipmentResult.Shipment / GetShipmentResult.Shipment as the bridge returns it. */
export function mwsShipmentDocument(s: Shipment): Record<string, unknown> {
  return conform(SEED_SHIPMENT_SHAPE, mfnShipmentDocument(s, 'mws')) as Record<string, unknown>;
}
