import { described, matching, objectSchema, oneOfStrings, type JsonSchema, type Shape } from './json-schema';

/** An amount of money: a decimal string (never a float) and an ISO 4217 currency code. */
export interface Money {
  /** Decimal string, e.g. "12.34": at most 10 integer digits and 4 decimals (we store numeric(14, 4)). */
  amount: string;
  /** ISO 4217 code, e.g. "USD". */
  currency: string;
}

export type LabelRefundStatus = 'applied' | 'pending' | 'rejected' | 'none';

/** The refund of a shipping label's cost, as the carrier reported it. */
export interface LabelRefund extends Money {
  status: LabelRefundStatus;
}

// Amounts are stored as numeric(14, 4): at most 10 integer digits and 4 decimals. A label costs something, so
// inputs are never negative; outputs read the stored amount back, sign included.
const amount = described(
  'Decimal string, e.g. "12.34": not negative, at most 10 integer digits and 4 decimals.',
  matching(
    '^\\d{1,10}(\\.\\d{1,4})?$',
    'must be a non-negative decimal with at most 10 integer digits and 4 decimals',
  ),
);
const storedAmount = described(
  'Decimal string, e.g. "12.34": at most 10 integer digits and 4 decimals.',
  matching('^-?\\d{1,10}(\\.\\d{1,4})?$', 'must be a decimal with at most 10 integer digits and 4 decimals'),
);
const currency = described('ISO 4217 currency code.', { type: 'string', pattern: '^[A-Z]{3}$' });

/** Money as received in inputs (open: extra fields are ignored). */
export const moneySchema: JsonSchema = objectSchema<Money>({ amount, currency });

const moneyShape: Shape<Money> = { amount: storedAmount, currency };

/** The label refund in outputs. */
export const labelRefundSchema: JsonSchema = objectSchema<LabelRefund>(
  {
    ...moneyShape,
    status: described(
      'applied: money returned; pending: the carrier is still deciding (MFN); rejected: refused; none: no refund.',
      oneOfStrings(['applied', 'pending', 'rejected', 'none']),
    ),
  },
  { closed: true },
);
