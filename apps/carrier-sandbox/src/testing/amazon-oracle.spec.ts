import { validateAgainstModel, validateAmazonExchange } from './amazon-oracle';

// The oracle must be able to say no, or every "validated" response in the other specs proves nothing.
describe('amazon oracle', () => {
  const exchange = (path: string, status: number, body: unknown, headers: Record<string, string> = {}) => ({
    method: 'PUT',
    path,
    status,
    headers: { 'x-amzn-requestid': 'r-1', 'content-type': 'application/json', ...headers },
    text: JSON.stringify(body),
  });

  it('rejects an SP-API error without a message', () => {
    expect(() =>
      validateAgainstModel('shippingV2#/definitions/ErrorList', { errors: [{ code: 'X' }] }),
    ).toThrow(/message/);
  });

  it('accepts the empty label FileType only on a cancelled MFN shipment', () => {
    const payload = {
      ShipmentId: 'be7a0a53-00c3-4f6f-a63a-639f76ee9253',
      AmazonOrderId: '903-5563053-5647845',
      ItemList: [{ OrderItemId: '1', Quantity: 1 }],
      ShipFromAddress: {
        Name: 'a',
        AddressLine1: 'b',
        Email: '',
        City: 'c',
        PostalCode: '1',
        CountryCode: 'US',
        Phone: '',
      },
      ShipToAddress: {
        Name: 'a',
        AddressLine1: 'b',
        Email: '',
        City: 'c',
        PostalCode: '1',
        CountryCode: 'US',
        Phone: '',
      },
      PackageDimensions: { Length: 1, Width: 1, Height: 1, Unit: 'inches' },
      Weight: { Value: 1, Unit: 'oz' },
      Insurance: { CurrencyCode: 'USD', Amount: 0 },
      ShippingService: {
        ShippingServiceName: 'x',
        CarrierName: 'UPS',
        ShippingServiceId: 'X',
        ShippingServiceOfferId: '',
        ShipDate: '2019-10-28T18:00:00Z',
        Rate: { CurrencyCode: 'USD', Amount: 1 },
        RateWithAdjustments: { CurrencyCode: 'USD', Amount: 1 },
        ShippingServiceOptions: { DeliveryExperience: 'NoTracking', CarrierWillPickUp: false },
        RequiresAdditionalSellerInputs: false,
      },
      Label: {
        Dimensions: { Length: 6, Width: 4, Unit: 'inches' },
        FileContents: { Contents: '', FileType: '', Checksum: '' },
      },
      Status: 'RefundPending',
      CreatedDate: '2019-10-28T18:29:34Z',
    };
    const ref = 'merchantFulfillmentV0#/definitions/CancelShipmentResponse';
    expect(() => validateAgainstModel(ref, { payload }, true)).not.toThrow();
    expect(() => validateAgainstModel(ref, { payload }, false)).toThrow(/FileType|allowed values/);
    expect(() => validateAgainstModel(ref, { payload: { ...payload, Status: 'Purchased' } }, true)).toThrow();
    const wrongType = {
      ...payload,
      Label: { ...payload.Label, FileContents: { Contents: '', FileType: 'text/plain', Checksum: '' } },
    };
    expect(() => validateAgainstModel(ref, { payload: wrongType }, true)).toThrow();
  });

  it('checks the rate-limit header rule: on 200, never on 429', () => {
    const ok = exchange('/shipping/v2/shipments/1/cancel', 200, { payload: {} });
    expect(() => validateAmazonExchange(ok)).toThrow(/x-amzn-RateLimit-Limit missing/);
    expect(() =>
      validateAmazonExchange({ ...ok, headers: { ...ok.headers, 'x-amzn-ratelimit-limit': '80.0' } }),
    ).not.toThrow();
    const throttled = exchange(
      '/shipping/v2/shipments/1/cancel',
      429,
      { errors: [{ code: 'QuotaExceeded', message: 'm' }] },
      {
        'x-amzn-ratelimit-limit': '80.0',
      },
    );
    expect(() => validateAmazonExchange(throttled)).toThrow(/unexpected/);
  });

  it('rejects an MWS response missing a key of the seed sample', () => {
    const mws = exchange('/api/mws/shipment/CancelShipment', 200, {
      CancelShipmentResult: { Shipment: { ShipmentId: 'x' } },
      ResponseMetadata: { RequestId: 'r' },
      ResponseHeaderMetadata: {},
    });
    expect(() => validateAmazonExchange({ ...mws, method: 'POST' })).toThrow(/AmazonOrderId|required/);
  });

  it('rejects an LWA token that is not an Atza token', () => {
    const lwa = exchange('/auth/o2/token', 200, {
      access_token: 'abc',
      token_type: 'bearer',
      expires_in: 3600,
    });
    expect(() => validateAmazonExchange({ ...lwa, method: 'POST' })).toThrow(/pattern/);
  });
});
