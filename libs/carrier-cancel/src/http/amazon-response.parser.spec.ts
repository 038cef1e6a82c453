import {
  extractError,
  parseBody,
  requestIdOf,
  saysAlreadyCancelled,
  saysNotCancellable,
  saysNotFound,
  saysThrottled,
  saysTokenExpired,
  saysUnauthorized,
  saysWindowExpired,
} from './amazon-response.parser';

const response = (body: string, headers: Record<string, string> = {}) => ({ status: 400, headers, body });

describe('extractError', () => {
  it.each([
    [
      'Shipping v2 {errors:[…]}',
      '{"errors":[{"code":"InvalidInput","message":"bad","details":"ShipmentId"}]}',
    ],
    ['MFN v0 bare array', '[{"code":"InvalidInput","message":"bad","details":"ShipmentId"}]'],
    [
      'bridge {Error:{…}}',
      '{"Error":{"Type":"Sender","Code":"InvalidInput","Message":"bad","Detail":"ShipmentId"}}',
    ],
    ['bridge {Errors:[…]}', '{"Errors":[{"Code":"InvalidInput","Message":"bad","Details":"ShipmentId"}]}'],
    [
      'MWS XML ErrorResponse',
      '<?xml version="1.0"?><ErrorResponse xmlns="https://mws.amazonservices.com/MerchantFulfillment/2015-06-01"><Error><Type>Sender</Type><Code>InvalidInput</Code><Message>bad</Message><Detail>ShipmentId</Detail></Error><RequestId>r-1</RequestId></ErrorResponse>',
    ],
    [
      'XML <Errors><Error>',
      '<CancelShipmentResponse><Errors><Error><Code>InvalidInput</Code><Message>bad</Message><Details>ShipmentId</Details></Error></Errors></CancelShipmentResponse>',
    ],
  ])('reads %s', (_name, body) => {
    expect(extractError(parseBody(body))).toEqual({
      code: 'InvalidInput',
      message: 'bad',
      details: 'ShipmentId',
    });
  });

  it('reads LWA errors and ASP.NET messages', () => {
    expect(extractError(parseBody('{"error":"invalid_grant","error_description":"revoked"}'))).toEqual({
      code: 'invalid_grant',
      message: 'revoked',
    });
    expect(extractError(parseBody('{"Message":"An error has occurred."}'))).toMatchObject({
      message: 'An error has occurred.',
    });
  });

  it('finds nothing in success bodies, empty bodies and garbage', () => {
    expect(extractError(parseBody('{"payload":{}}'))).toBeUndefined();
    expect(extractError(parseBody(''))).toBeUndefined();
    expect(parseBody('<html><broken')).toMatchObject({ format: expect.stringMatching(/invalid|xml/) });
    expect(parseBody('not json')).toEqual({ format: 'invalid' });
  });
});

describe('requestIdOf', () => {
  it('prefers ResponseMetadata.RequestId, then x-amzn-RequestId', () => {
    const xml =
      '<CancelShipmentResponse><ResponseMetadata><RequestId>meta-1</RequestId></ResponseMetadata></CancelShipmentResponse>';
    expect(requestIdOf(response(xml, { 'x-amzn-requestid': 'hdr' }), parseBody(xml))).toBe('meta-1');
    const json = '{"ResponseMetadata":{"RequestId":"meta-2"}}';
    expect(requestIdOf(response(json), parseBody(json))).toBe('meta-2');
    expect(requestIdOf(response('{}', { 'x-amzn-requestid': 'hdr' }), parseBody('{}'))).toBe('hdr');
    expect(requestIdOf(response(''), parseBody(''))).toBeUndefined();
  });
});

describe('wording classifiers', () => {
  it('recognise the refusals Amazon words differently across APIs', () => {
    expect(saysAlreadyCancelled({ code: 'ShipmentAlreadyCancelled' })).toBe(true);
    expect(saysAlreadyCancelled({ message: 'The shipment has already been cancelled.' })).toBe(true);
    expect(saysAlreadyCancelled({ message: 'Shipment is canceled' })).toBe(true);
    expect(saysAlreadyCancelled({ code: 'InvalidInput', message: 'ShipmentId cannot be null' })).toBe(false);
    expect(saysWindowExpired({ code: 'LabelCancelWindowExpired', message: 'x' })).toBe(true);
    expect(saysWindowExpired({ message: 'The cancellation window has expired' })).toBe(true);
    expect(saysNotFound({ code: 'NotFound' })).toBe(true);
    expect(saysNotFound({ message: "The requested resource doesn't exist." })).toBe(true);
    expect(saysNotCancellable({ message: 'Shipment cannot be cancelled after pickup' })).toBe(true);
    expect(
      saysTokenExpired({ code: 'Unauthorized', details: 'The access token you provided has expired.' }),
    ).toBe(true);
    expect(
      saysTokenExpired({ code: 'Unauthorized', message: 'Access to requested resource is denied.' }),
    ).toBe(false);
    expect(saysUnauthorized({ code: 'Unauthorized', message: 'Access denied', details: '' })).toBe(true);
    expect(saysUnauthorized(undefined)).toBe(true);
    expect(saysUnauthorized({ code: 'AccessDenied', message: 'Access denied' })).toBe(false);
    expect(saysThrottled({ code: 'QuotaExceeded' })).toBe(true);
    expect(saysThrottled({ code: 'RequestThrottled' })).toBe(true);
    expect(saysThrottled({ code: 'InvalidInput' })).toBe(false);
  });
});
