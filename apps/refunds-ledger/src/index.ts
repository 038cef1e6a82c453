// A reference consumer of the outcome events: billing's label-refund ledger, built from Kafka alone.
export { RefundsLedger, type Accepted, type LedgerTotal } from './ledger';
export { readLedger, type LedgerSource } from './consume';
