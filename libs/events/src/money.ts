import { described, objectSchema, oneOfStrings, type JsonSchema, type Shape } from './json-schema';

/** An amount of money: a decimal string (never a float) and an ISO 4217 currency code. */
export interface Money {
  /** Decimal string, e.g. "12.34" (up to 4 decimals). */
  amount: string;
  /** ISO 4217 code, e.g. "USD". */
  currency: string;
}

export type LabelRefundStatus = 'applied' | 'pending' | 'rejected' | 'none';

/** The refund of a shipping label's cost, as the carrier reported it. */
export interface LabelRefund extends Money {
  status: LabelRefundStatus;
}

const moneyShape: Shape<Money> = {
  amount: described('Decimal string, e.g. "12.34".', { type: 'string', pattern: '^-?\\d+(\\.\\d{1,4})?$' }),
  currency: described('ISO 4217 currency code.', { type: 'string', pattern: '^[A-Z]{3}$' }),
};

/** Money as received in inputs (open: extra fields are ignored). */
export const moneySchema: JsonSchema = objectSchema<Money>(moneyShape);

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
