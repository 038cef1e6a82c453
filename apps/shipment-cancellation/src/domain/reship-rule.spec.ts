import { reshipEligible, reshipRuleFor } from './reship-rule';

describe('reship rule', () => {
  it.each([
    [0, 'no_shipments', false],
    [1, 'single_shipment', true],
    [2, 'multiple_shipments', false],
    [7, 'multiple_shipments', false],
  ] as const)('%i shipment(s) created → %s, reship eligible %s', (count, rule, eligible) => {
    expect(reshipRuleFor(count)).toBe(rule);
    expect(reshipEligible(reshipRuleFor(count))).toBe(eligible);
  });
});
