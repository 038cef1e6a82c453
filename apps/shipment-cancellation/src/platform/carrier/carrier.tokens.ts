/** Injection token for the carrier port (`CarrierCancelPort` from @oms/carrier-cancel). */
export const CARRIER_PORT = Symbol('CARRIER_PORT');
