// A label-refund ledger as billing would keep it, from the outcome events alone: per cancellation the event
// with the highest `sequence` is its state, and it is refunded when that is a ShipmentCancelled whose refund
// is `applied`. Deduplicated on source + id, so redelivery changes nothing.
import {
  EventTypes,
  amountInCurrency,
  validateForConsumer,
  type ShipmentCancellationFailedEvent,
  type ShipmentCancelledEvent,
} from '@oms/events';

type Outcome = ShipmentCancelledEvent | ShipmentCancellationFailedEvent;

/** One line of the ledger: what was refunded to one seller account in one currency. */
export interface LedgerTotal {
  sellerAccount: string;
  currency: string;
  /** A decimal string in the currency's precision. */
  amount: string;
  cancellations: number;
}

/** What `accept` did with one message. */
export type Accepted = 'applied' | 'older' | 'duplicate' | 'skipped';

const outcomeTypes = [EventTypes.shipmentCancelled, EventTypes.shipmentCancellationFailed] as const;
// Amounts carry at most 4 decimals (numeric(14, 4)): summing in ten-thousandths is exact for every currency.
const SCALE = 4;

function toUnits(amount: string): bigint {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = ''] = amount.replace(/^[-+]/, '').split('.');
  const units = BigInt(whole) * 10n ** BigInt(SCALE) + BigInt(fraction.padEnd(SCALE, '0').slice(0, SCALE));
  return negative ? -units : units;
}

function fromUnits(units: bigint, currency: string): string {
  const sign = units < 0n ? '-' : '';
  const digits = (units < 0n ? -units : units).toString().padStart(SCALE + 1, '0');
  const raw = `${sign}${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`;
  return amountInCurrency(raw, currency);
}

export class RefundsLedger {
  private readonly seen = new Set<string>();
  private readonly current = new Map<string, Outcome>();
  private readonly superseded = new Set<string>();
  readonly skipped: string[] = [];

  /** Reads one Kafka message value tolerantly and applies it. */
  accept(value: Buffer | string): Accepted {
    const result = validateForConsumer(value, outcomeTypes);
    if (!result.ok) {
      this.skipped.push(`${result.kind}: ${result.message}`);
      return 'skipped';
    }
    const event = result.event;
    const key = `${event.source}\u0000${event.id}`;
    if (this.seen.has(key)) return 'duplicate';
    this.seen.add(key);
    if (event.data.supersedes !== undefined) this.superseded.add(event.data.supersedes);
    const held = this.current.get(event.data.cancellationId);
    if (this.superseded.has(event.id) || (held && held.data.sequence >= event.data.sequence)) return 'older';
    this.current.set(event.data.cancellationId, event);
    return 'applied';
  }

  /** The current event of each cancellation. */
  states(): Outcome[] {
    return [...this.current.values()];
  }

  /** Refunded totals per seller account and currency, sorted by both. */
  totals(): LedgerTotal[] {
    const sums = new Map<string, { sellerAccount: string; currency: string; units: bigint; count: number }>();
    for (const event of this.current.values()) {
      if (event.type !== EventTypes.shipmentCancelled) continue;
      const { refund, sellerAccount } = event.data;
      if (refund.status !== 'applied' || refund.amount === undefined || refund.currency === undefined)
        continue;
      const key = `${sellerAccount}\u0000${refund.currency}`;
      const sum = sums.get(key) ?? { sellerAccount, currency: refund.currency, units: 0n, count: 0 };
      sum.units += toUnits(refund.amount);
      sum.count += 1;
      sums.set(key, sum);
    }
    return [...sums.values()]
      .map((s) => ({
        sellerAccount: s.sellerAccount,
        currency: s.currency,
        amount: fromUnits(s.units, s.currency),
        cancellations: s.count,
      }))
      .sort((a, b) => `${a.sellerAccount} ${a.currency}`.localeCompare(`${b.sellerAccount} ${b.currency}`));
  }
}
