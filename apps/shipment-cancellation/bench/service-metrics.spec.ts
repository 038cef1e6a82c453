import { countsDelta, NO_COUNTS, parseServiceCounts } from './service-metrics';

const exposition = (granted: number, expired: number, count: number, sum: number) =>
  [
    '# HELP oms_carrier_budget_tokens_total Tokens of the shared carrier budget.',
    '# TYPE oms_carrier_budget_tokens_total counter',
    `oms_carrier_budget_tokens_total{carrier="amazon-shipping-v2",result="granted"} ${granted}`,
    `oms_carrier_budget_tokens_total{carrier="amazon-mfn-v0",result="granted"} 1`,
    `oms_carrier_budget_tokens_total{carrier="amazon-shipping-v2",result="expired"} ${expired}`,
    `oms_carrier_http_duration_seconds_bucket{carrier="amazon-shipping-v2",operation="cancelShipment",status="200",le="0.25"} ${count}`,
    `oms_carrier_http_duration_seconds_sum{carrier="amazon-shipping-v2",operation="cancelShipment",status="200"} ${sum}`,
    `oms_carrier_http_duration_seconds_count{carrier="amazon-shipping-v2",operation="cancelShipment",status="200"} ${count}`,
    'oms_carrier_requests_total{carrier="amazon-shipping-v2",operation="cancelShipment",seller_account="s"} 99',
  ].join('\n');

describe('parseServiceCounts', () => {
  it('sums tokens by result over carriers, and the HTTP histogram count and sum, ignoring the rest', () => {
    expect(parseServiceCounts(exposition(10, 2, 8, 1.5))).toEqual({
      tokensGranted: 11,
      tokensExpired: 2,
      httpCount: 8,
      httpSeconds: 1.5,
    });
  });

  it('reads nothing from an exposition without those series', () => {
    expect(parseServiceCounts('# nothing\nprocess_cpu_seconds_total 3\n')).toEqual(NO_COUNTS);
  });
});

describe('countsDelta', () => {
  it('takes each live instance from its own start, and one started meanwhile from zero', () => {
    const before = new Map([
      [1, parseServiceCounts(exposition(10, 1, 5, 1))],
      [2, parseServiceCounts(exposition(100, 0, 50, 10))],
    ]);
    const after = new Map([
      [1, parseServiceCounts(exposition(30, 4, 25, 5))],
      [3, parseServiceCounts(exposition(7, 0, 6, 0.5))],
    ]);
    expect(countsDelta(before, after)).toEqual({
      tokensGranted: 20 + 8,
      tokensExpired: 3,
      httpCount: 26,
      httpSeconds: 4.5,
    });
  });
});
