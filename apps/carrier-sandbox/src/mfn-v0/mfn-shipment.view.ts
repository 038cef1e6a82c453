import { createHash } from 'node:crypto';
import { iso, MARKETPLACES, Shipment } from '../state/shipment.model';

// The Merchant Fulfillment "Shipment" document, rendered for v0 (the model) and for the MWS bridge (seed 001).

interface Origin {
  carrier: string;
  service: string;
  serviceId: string;
  from: Record<string, string>;
  to: Record<string, string>;
}

const US: Origin = {
  carrier: 'UPS',
  service: 'UPS 2nd Day Air',
  serviceId: 'UPS_PTP_2ND_DAY_AIR',
  from: {
    Name: 'Sandbox Seller US',
    AddressLine1: '300 Turnbull Ave',
    City: 'Detroit',
    StateOrProvinceCode: 'MI',
    PostalCode: '48123',
    CountryCode: 'US',
  },
  to: {
    Name: 'Jane Doe',
    AddressLine1: '10 Columbus Cir',
    City: 'New York',
    StateOrProvinceCode: 'NY',
    PostalCode: '10019-1158',
    CountryCode: 'US',
  },
};

const ORIGINS: Record<string, Origin> = {
  US,
  GB: {
    carrier: 'Royal Mail',
    service: 'Royal Mail 24',
    serviceId: 'RM_24',
    from: {
      Name: 'Sandbox Seller UK',
      AddressLine1: '1 Principal Place',
      City: 'London',
      PostalCode: 'EC2A 2FA',
      CountryCode: 'GB',
    },
    to: {
      Name: 'John Smith',
      AddressLine1: '12 High Street',
      City: 'Bristol',
      PostalCode: 'BS1 2AW',
      CountryCode: 'GB',
    },
  },
  DE: {
    carrier: 'DHL',
    service: 'DHL Paket',
    serviceId: 'DHL_PAKET',
    from: {
      Name: 'Sandbox Seller DE',
      AddressLine1: 'Marcel-Breuer-Str. 12',
      City: 'Muenchen',
      PostalCode: '80807',
      CountryCode: 'DE',
    },
    to: {
      Name: 'Max Mustermann',
      AddressLine1: 'Unter den Linden 5',
      City: 'Berlin',
      PostalCode: '10117',
      CountryCode: 'DE',
    },
  },
  MX: {
    carrier: 'Estafeta',
    service: 'Estafeta Dia Siguiente',
    serviceId: 'ESTAFETA_NEXT_DAY',
    from: {
      Name: 'Sandbox Seller MX',
      AddressLine1: 'Av. Juan Salvador Agraz 73',
      City: 'Ciudad de Mexico',
      PostalCode: '05348',
      CountryCode: 'MX',
    },
    to: {
      Name: 'Ana Lopez',
      AddressLine1: 'Av. Reforma 222',
      City: 'Ciudad de Mexico',
      PostalCode: '06600',
      CountryCode: 'MX',
    },
  },
  FR: {
    carrier: 'Colissimo',
    service: 'Colissimo Domicile',
    serviceId: 'COLISSIMO_HOME',
    from: {
      Name: 'Sandbox Seller FR',
      AddressLine1: '67 Boulevard du General Leclerc',
      City: 'Clichy',
      PostalCode: '92110',
      CountryCode: 'FR',
    },
    to: {
      Name: 'Marie Dupont',
      AddressLine1: '8 Rue de Rivoli',
      City: 'Paris',
      PostalCode: '75004',
      CountryCode: 'FR',
    },
  },
};

function originOf(s: Shipment): Origin {
  const country = MARKETPLACES[s.marketplaceId as keyof typeof MARKETPLACES]?.country ?? 'US';
  return ORIGINS[country] ?? US;
}

// Email and Phone are required by the v0 model; the MWS seed lists them too.
function address(a: Record<string, string>): Record<string, string> {
  return { ...a, Email: 'sandbox@example.com', Phone: '5555550100' };
}

function labelFile(s: Shipment): { Contents: string; FileType: string; Checksum: string } {
  if (s.status !== 'Purchased') {
    // A cancelled shipment's label is empty, FileType "" included: Amazon's own sandbox example does
    // this although "" is outside the model's FileType enum. Kept on purpose (see README).
    return { Contents: '', FileType: '', Checksum: '' };
  }
  const contents = Buffer.from(`%PDF-1.4 sandbox label ${s.carrierShipmentId}`).toString('base64');
  return {
    Contents: contents,
    FileType: 'application/pdf',
    Checksum: createHash('md5').update(contents).digest('base64'),
  };
}

/** Renders the shipment; `time` formats dates (ISO "Z" for v0, .NET "+00:00" for the MWS bridge). */
export function mfnShipmentDocument(s: Shipment, flavour: 'v0' | 'mws'): Record<string, unknown> {
  const origin = originOf(s);
  const time = flavour === 'v0' ? iso : (ms: number): string => iso(ms).replace('Z', '+00:00');
  const currency = s.labelCost.currency;
  const rate = { CurrencyCode: currency, Amount: Number(s.labelCost.amount) };
  const day = 24 * 3600_000;
  const shippingService: Record<string, unknown> = {
    ShippingServiceName: origin.service,
    CarrierName: origin.carrier,
    ShippingServiceId: origin.serviceId,
    ShippingServiceOfferId: `offer-${s.carrierShipmentId.slice(0, 8)}`,
    ShipDate: time(s.purchasedAt),
    EarliestEstimatedDeliveryDate: time(s.purchasedAt + day),
    LatestEstimatedDeliveryDate: time(s.purchasedAt + 3 * day),
    Rate: rate,
    ...(flavour === 'v0' && { RateWithAdjustments: rate }),
    ShippingServiceOptions: {
      DeliveryExperience: 'DeliveryConfirmationWithoutSignature',
      DeclaredValue: { CurrencyCode: currency, Amount: 0 },
      CarrierWillPickUp: false,
      LabelFormat: 'PDF',
    },
    AvailableLabelFormats: ['PDF', 'PNG'],
    ...(flavour === 'v0' && { RequiresAdditionalSellerInputs: false }),
  };
  const purchased = s.status === 'Purchased';
  return {
    ShipmentId: s.carrierShipmentId,
    AmazonOrderId: s.amazonOrderId,
    SellerOrderId: s.orderId.slice(0, 64),
    ItemList: [{ OrderItemId: `${s.amazonOrderId.replace(/-/g, '').slice(0, 14)}`, Quantity: 1 }],
    ShipFromAddress: address(origin.from),
    ShipToAddress: address(origin.to),
    PackageDimensions: { Length: 10, Width: 8, Height: 4, Unit: 'inches' },
    Weight: { Value: 16, Unit: 'oz' },
    Insurance: { CurrencyCode: currency, Amount: 0 },
    ShippingService: shippingService,
    Label: {
      ...(purchased && { CustomTextForLabel: 'SANDBOX' }),
      Dimensions: { Length: 6, Width: 4, Unit: 'inches' },
      FileContents: labelFile(s),
      ...(purchased && { LabelFormat: 'PDF', StandardIdForLabel: 'AmazonOrderId' }),
    },
    Status: s.status,
    TrackingId: s.trackingId,
    CreatedDate: time(s.purchasedAt),
    LastUpdatedDate: time(s.lastUpdatedAt),
  };
}
