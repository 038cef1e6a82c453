// MFN v0 shipments shaped like the model's own sandbox examples.
export function mfnShipment(
  status: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const cancelled = status !== 'Purchased';
  return {
    ShipmentId: 'be7a0a53-00c3-4f6f-a63a-639f76ee9253',
    AmazonOrderId: '903-5563053-5647845',
    SellerOrderId: '903-5563053-5647845',
    Insurance: { CurrencyCode: 'USD', Amount: 0 },
    ItemList: [{ OrderItemId: '12958298061782', Quantity: 1 }],
    ShipFromAddress: {
      Name: 'John Doe',
      AddressLine1: '300 Turnbull Ave',
      City: 'Detroit',
      StateOrProvinceCode: 'MI',
      PostalCode: '48123',
      CountryCode: 'US',
      Phone: '7132341234',
      Email: 'jdoe@example.com',
    },
    ShipToAddress: {
      Name: 'New York',
      AddressLine1: 'TIME WARNER CENTER',
      City: 'NEW YORK',
      StateOrProvinceCode: 'NY',
      PostalCode: '10019-1158',
      CountryCode: 'US',
      Phone: '',
      Email: '',
    },
    PackageDimensions: { Length: 10.25, Width: 10.25, Height: 10.25, Unit: 'inches' },
    Weight: { Value: 10.25, Unit: 'oz' },
    ShippingService: {
      ShippingServiceName: 'UPS 2nd Day Air®',
      CarrierName: 'UPS®',
      ShippingServiceId: 'UPS_PTP_2ND_DAY_AIR',
      ShippingServiceOfferId: '',
      ShipDate: '2019-10-28T18:00:00Z',
      Rate: { CurrencyCode: 'USD', Amount: 34.73 },
      RateWithAdjustments: { CurrencyCode: 'USD', Amount: 33.73 },
      RequiresAdditionalSellerInputs: false,
      ShippingServiceOptions: {
        DeliveryExperience: 'DeliveryConfirmationWithoutSignature',
        CarrierWillPickUp: false,
      },
    },
    // A cancelled shipment comes back with an empty label.
    Label: {
      Dimensions: { Length: 6, Width: 4, Unit: 'inches' },
      FileContents: cancelled
        ? { Contents: '', FileType: '', Checksum: '' }
        : { Contents: 'H4sIAAAAAAAAAOS6dV', FileType: 'image/png', Checksum: '9ALVyphCKfc3+Lb2ssyh8A==' },
    },
    Status: status,
    TrackingId: '1Z17E2100206868939',
    CreatedDate: '2019-10-28T18:29:34Z',
    LastUpdatedDate: '2019-10-28T18:36:55Z',
    ...overrides,
  };
}
