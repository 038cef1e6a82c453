// Which failures of an ingest transaction an input causes, so that retrying the same input fails the same way.
// Those isolate the message (to the dead-letter queue); every other failure (connection lost, deadlock,
// serialization, out of resources, shutdown, or anything unknown) stalls the partition and is retried.
import { EventValidationError } from '@oms/events';

/**
 * SQLSTATE classes an input causes: 22 data exception (bad encoding, numeric overflow, date out of range),
 * 23 integrity constraint violation, 54 program limit exceeded (an index row too large).
 */
const INPUT_CLASSES = new Set(['22', '23', '54']);

/** True when the error says the input itself is unstorable: the same input would fail again. */
export function isRefusedInput(error: unknown): boolean {
  if (error instanceof EventValidationError) return true;
  const code = sqlState(error);
  return code !== null && INPUT_CLASSES.has(code.slice(0, 2));
}

/** 'numeric field overflow (SQLSTATE 22003)', or the message alone. */
export function describeRefusal(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = sqlState(error);
  return code ? `${message} (SQLSTATE ${code})` : message;
}

// The pg driver sets `code`; TypeORM's QueryFailedError copies it and keeps the original as `driverError`.
function sqlState(error: unknown): string | null {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return null;
}
