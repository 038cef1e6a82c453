// A batch that fails because of what one of its messages holds must not stop its partition. The batch is run
// again in parts, and a part that fails one message at a time, in offset order: so a message is applied only
// after every earlier message of its partition was applied or dead-lettered, and each message is tried at
// most three times (in its batch, in its part, alone) before it is dead-lettered.

/** A batch that fails on a refused input is retried in parts of this many messages, then one by one. */
export const ISOLATION_PART = 16;

export interface Isolation<M> {
  /** The first try, with the whole batch. */
  first: (messages: M[]) => Promise<void>;
  /** Each later try, with a part or one message. */
  again: (messages: M[]) => Promise<void>;
  /** True when the failure was caused by what a message holds. */
  isRefusedInput: (error: unknown) => boolean;
  deadLetter: (message: M, error: unknown) => Promise<void>;
}

/** Applies the messages, dead-lettering those refused alone; any other failure is thrown (and retried). */
export async function applyIsolating<M>(messages: M[], how: Isolation<M>, partSize = ISOLATION_PART) {
  if ((await refusal(() => how.first(messages), how.isRefusedInput)) === null) return;
  const parts = messages.length > partSize ? chunks(messages, partSize) : [messages];
  for (const part of parts) {
    if (parts.length > 1 && (await refusal(() => how.again(part), how.isRefusedInput)) === null) continue;
    for (const message of part) {
      const error = await refusal(() => how.again([message]), how.isRefusedInput);
      if (error !== null) await how.deadLetter(message, error);
    }
  }
}

/** Null when the run succeeded, the error when an input was refused; other errors are thrown. */
async function refusal(run: () => Promise<void>, isRefused: (error: unknown) => boolean): Promise<unknown> {
  try {
    await run();
    return null;
  } catch (error) {
    if (isRefused(error)) return error;
    throw error;
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
