import type { CarrierApi } from './port';

describe('CarrierApi', () => {
  it('names the three Amazon APIs', () => {
    const apis: CarrierApi[] = ['amazon-shipping-v2', 'amazon-mfn-mws', 'amazon-mfn-v0'];
    expect(apis).toHaveLength(3);
  });
});
