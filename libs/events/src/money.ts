import {
  described,
  matching,
  objectSchema,
  oneOfStrings,
  optional,
  when,
  type JsonSchema,
  type Shape,
} from './json-schema';

/** An amount of money: a decimal string (never a float) and an ISO 4217 currency code. */
export interface Money {
  /** Decimal string, e.g. "12.34": at most 10 integer digits and 4 decimals (we store numeric(14, 4)). */
  amount: string;
  /** ISO 4217 code, e.g. "USD". */
  currency: string;
}

export type LabelRefundStatus = 'applied' | 'pending' | 'rejected' | 'none';

/** Decimals of each currency's minor unit (ISO 4217); a currency not listed has 2. */
export const CURRENCY_DECIMALS: Readonly<Record<string, number>> = {
  JPY: 0,
  KRW: 0,
  CLP: 0,
  ISK: 0,
  VND: 0,
  USD: 2,
  EUR: 2,
  GBP: 2,
  KWD: 3,
  BHD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
};

/**
 * An amount in its currency's own precision: "500.0000" JPY is "500", "8.4" USD is "8.40", "1.2500" KWD is
 * "1.250". Zeros beyond the precision are dropped; non-zero digits beyond it are kept (never rounded away).
 */
export function amountInCurrency(amount: string, currency: string): string {
  const decimals = CURRENCY_DECIMALS[currency] ?? 2;
  const [whole = '0', fraction = ''] = amount.split('.');
  const kept = fraction.replace(/0+$/, '').padEnd(decimals, '0');
  return kept === '' ? whole : `${whole}.${kept}`;
}

/** What a refund's `status` says: `unconfirmed` when the carrier accepted the cancel but cannot report the refund. */
export type RefundStatus = LabelRefundStatus | 'unconfirmed';

/** Where a refund's amount comes from: the label's cost, the carrier's answer, or nowhere (no amount). */
export type RefundSource = 'label_cost' | 'carrier' | 'none';

/** The label's refund as billing books it: an amount only when the refunded amount is known. */
export interface Refund {
  status: RefundStatus;
  amount?: string;
  currency?: string;
  source: RefundSource;
}

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

/** A label's cost in outputs, in its currency's own precision. */
export const labelCostSchema: JsonSchema = objectSchema<Money>(moneyShape, { closed: true });

/** The refund in outputs: amount and currency only with status applied. */
export const refundSchema: JsonSchema = objectSchema<Refund>(
  {
    status: described(
      'applied: money returned; pending: the carrier is still deciding (a later event follows); rejected: ' +
        'refused; none: no refund; unconfirmed: the carrier accepted the cancel, but its API cannot report ' +
        'the refund (the MWS bridge): nothing follows, expect the label cost back without a confirmation.',
      oneOfStrings(['applied', 'pending', 'rejected', 'none', 'unconfirmed']),
    ),
    amount: optional(storedAmount),
    currency: optional(currency),
    source: described(
      'label_cost: the amount is the label cost; carrier: the carrier stated it; none: no amount is known.',
      oneOfStrings(['label_cost', 'carrier', 'none']),
    ),
  },
  {
    closed: true,
    rules: [
      when('status', ['applied'], {
        required: ['amount', 'currency'],
        properties: { source: { enum: ['label_cost', 'carrier'] } },
      }),
      when('status', ['pending', 'rejected', 'none', 'unconfirmed'], {
        not: { anyOf: [{ required: ['amount'] }, { required: ['currency'] }] },
        properties: { source: { const: 'none' } },
      }),
    ],
  },
);
