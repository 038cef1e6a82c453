import {
  described,
  identifier,
  nullableString,
  objectSchema,
  oneOfStrings,
  type JsonSchema,
} from './json-schema';

/** The Amazon APIs a shipment can be bought and cancelled through (same names as @oms/carrier-cancel). */
export type CarrierApi = 'amazon-shipping-v2' | 'amazon-mfn-mws' | 'amazon-mfn-v0';

export const carrierApis: readonly CarrierApi[] = ['amazon-shipping-v2', 'amazon-mfn-mws', 'amazon-mfn-v0'];

/** Merchant Fulfillment APIs: cancels there may leave the refund pending, and need a marketplace id. */
export const mfnCarrierApis: readonly CarrierApi[] = ['amazon-mfn-mws', 'amazon-mfn-v0'];

export const carrierApiSchema: JsonSchema = oneOfStrings(carrierApis);

/** What we asked the carrier and what it answered: the request id lets billing and support trace it. */
export interface CarrierExchange {
  api: CarrierApi;
  carrierShipmentId: string;
  requestId: string | null;
  httpStatus: number | null;
  errorCode: string | null;
  errorMessage: string | null;
}

export const carrierExchangeSchema: JsonSchema = objectSchema<CarrierExchange>(
  {
    api: carrierApiSchema,
    carrierShipmentId: identifier,
    requestId: described(
      'The carrier request id of the last call, when the carrier gave one.',
      nullableString,
    ),
    httpStatus: { type: ['integer', 'null'], minimum: 100, maximum: 599 },
    errorCode: nullableString,
    errorMessage: nullableString,
  },
  { closed: true },
);
