import * as api from './index';
import { CARRIER_APIS } from './port';
import type { CarrierApi } from './port';

describe('public entry', () => {
  it('names the three Amazon APIs', () => {
    const apis: CarrierApi[] = ['amazon-shipping-v2', 'amazon-mfn-mws', 'amazon-mfn-v0'];
    expect(CARRIER_APIS).toEqual(apis);
  });

  it('exports the client, the bucket and its GCRA spacing, the cancel quota, the LWA provider and the bounded copy, and no test doubles', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'CARRIER_APIS',
        'CarrierCancelClient',
        'CarrierCancelError',
        'DEFAULT_CANCEL_RATE_LIMITS',
        'DEFAULT_RETRY',
        'DESCEND',
        'LwaError',
        'LwaTokenProvider',
        'MWS_CANCEL_MARKETPLACES',
        'SHIPPING_BUSINESS_REGIONS',
        'TokenBucket',
        'boundedCopy',
        'cancelQuota',
        'findMarketplace',
        'gcraSpacing',
      ].sort(),
    );
  });
});
