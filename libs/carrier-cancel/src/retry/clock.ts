import { performance } from 'node:perf_hooks';

/** Time source and sleep; injectable so tests can run retries and deadlines in virtual time. */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Resolves true after `ms`, or false as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<boolean>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleepUntil(performance.now() + ms, signal),
};

// Timers may fire up to a millisecond before the monotonic clock reaches the target (libuv rounds and
// caches loop time); waiting for a rate-limit token must never end early, so re-arm for the remainder.
function sleepUntil(target: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      if (timer) clearTimeout(timer);
      resolve(false);
    };
    const arm = (): void => {
      const remaining = target - performance.now();
      if (remaining <= 0) {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
        return;
      }
      timer = setTimeout(arm, Math.ceil(remaining));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}

/** A clock whose time only moves when something sleeps: retries and deadlines without real waiting. */
export class VirtualClock implements Clock {
  private time = 0;
  readonly sleeps: number[] = [];

  now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return false;
    this.sleeps.push(ms);
    this.time += Math.max(0, ms);
    return true;
  }
}
