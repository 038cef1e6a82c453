/** The Amazon APIs a shipment can be cancelled through. */
export type CarrierApi = 'amazon-shipping-v2' | 'amazon-mfn-mws' | 'amazon-mfn-v0';
