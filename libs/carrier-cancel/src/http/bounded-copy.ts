// A copy of any value that JSON.stringify can always write, made without recursion, for logs and redaction.

/** Returned by a leaf function for an object or array whose fields are to be copied one by one. */
export const DESCEND: unique symbol = Symbol('descend');

// Deeper than any real log context; the depth also keeps a later JSON.stringify off the stack's limit.
const MAX_DEPTH = 64;
const MAX_NODES = 10_000;

type Frame = { value: unknown; depth: number; put: (value: unknown) => void } | { leave: object };

/**
 * Copies `value`, mapping each value through `leaf` (which answers DESCEND for an object to copy field by field).
 * A cycle becomes '[circular]'; what lies deeper than 64 levels, or past 10,000 objects, becomes '[deep]' (never
 * passed through unmapped). Only the objects on the path from the root count as a cycle: a value shared by two
 * fields is copied twice. A '__proto__' key stays a key.
 */
export function boundedCopy(value: unknown, leaf: (item: unknown) => unknown): unknown {
  const result: { value?: unknown } = {};
  const stack: Frame[] = [{ value, depth: 0, put: (v) => (result.value = v) }];
  const ancestors = new WeakSet<object>();
  let nodes = 0;
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    if ('leave' in frame) {
      ancestors.delete(frame.leave);
      continue;
    }
    const { value: item, depth, put } = frame;
    const mapped = leaf(item);
    if (mapped !== DESCEND) put(mapped);
    else if (ancestors.has(item as object)) put('[circular]');
    else if (depth >= MAX_DEPTH || ++nodes > MAX_NODES) put('[deep]');
    else {
      ancestors.add(item as object);
      stack.push({ leave: item as object });
      const out: unknown[] | Record<string, unknown> = Array.isArray(item) ? [] : {};
      put(out);
      const entries = Object.entries(item as object);
      // Pushed last to first so that they are copied, and keys inserted, in their order.
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        stack.push({ value: child, depth: depth + 1, put: (v) => setOwn(out, key, v) });
      }
    }
  }
  return result.value;
}

function setOwn(target: unknown[] | Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, so that a '__proto__' key stays a key and never replaces the copy's prototype.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
