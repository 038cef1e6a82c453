import { amountInCurrency } from './money';

describe('amountInCurrency', () => {
  it.each([
    ['500.0000', 'JPY', '500'],
    ['8.4500', 'USD', '8.45'],
    ['8.4000', 'EUR', '8.40'],
    ['12', 'GBP', '12.00'],
    ['1.2500', 'KWD', '1.250'],
    ['1.2345', 'BHD', '1.2345'],
    ['500.5000', 'JPY', '500.5'],
    ['-3.1000', 'USD', '-3.10'],
    ['7.0000', 'XYZ', '7.00'],
  ])('%s %s is %s: its own precision, zeros beyond it dropped, never padded beyond it', (a, c, out) => {
    expect(amountInCurrency(a, c)).toBe(out);
  });
});
