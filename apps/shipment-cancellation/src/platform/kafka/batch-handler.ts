// Calling a batch handler (an @EventPattern method) the way Nest registered it, and retrying it in place.
import type { Server } from '@nestjs/microservices';
import type { InboundMessage } from './inbound-message';

/** What a batch handler is told besides the messages. */
export interface BatchContext {
  topic: string;
  /** The partitions the messages come from (each partition's messages in offset order). */
  partitions: number[];
}

export type BatchHandler = NonNullable<ReturnType<Server['getHandlerByPattern']>>;

/** Calls the handler with one batch; resolves when it is done, rejects with its error. */
export async function invokeBatchHandler(handler: BatchHandler, messages: InboundMessage[]): Promise<void> {
  const topic = messages[0]?.topic ?? '';
  const context: BatchContext = { topic, partitions: [...new Set(messages.map((m) => m.partition))] };
  const result = await handler(messages, context);
  // Nest may wrap the handler's result in an Observable; drain it so errors surface here.
  if (result && typeof (result as { subscribe?: unknown }).subscribe === 'function') {
    await new Promise<void>((resolve, reject) =>
      (result as { subscribe: (o: object) => void }).subscribe({ error: reject, complete: resolve }),
    );
  }
}

/**
 * Runs `run` until it succeeds, waiting 250 ms doubling up to 10 s after each failure and sending heartbeats
 * meanwhile (so the group membership stays); throws the failure instead once `giveUp()` is true.
 */
export async function retryInPlace(
  run: () => Promise<void>,
  heartbeat: () => Promise<void>,
  giveUp: () => boolean,
  onFailure: (error: Error, attempt: number, delayMs: number) => void,
): Promise<void> {
  for (let failures = 0; ; failures++) {
    try {
      await run();
      return;
    } catch (error) {
      if (giveUp()) throw error;
      const delay = Math.min(10_000, 250 * 2 ** failures);
      onFailure(error as Error, failures + 1, delay);
      const until = Date.now() + delay;
      while (Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, until - Date.now())));
        await heartbeat().catch(() => undefined);
      }
    }
  }
}
