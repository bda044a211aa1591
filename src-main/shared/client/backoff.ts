// How long to wait before trying again: exponential backoff with "full jitter" (a uniformly random
// delay up to the exponential cap), so clients that lost the same server do not all come back in
// the same millisecond when it restarts.

export interface BackoffPolicy {
  /** The cap of the first retry's delay; each later one doubles it. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
  /** A number in [0, 1); Math.random unless a test pins it. */
  random: () => number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 250, maxMs: 10_000, random: Math.random };

/** The delay before retry number `retry` (0 for the first retry). */
export function backoffDelayMs(retry: number, policy: BackoffPolicy): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(retry, 30));
  const fraction = Math.min(Math.max(policy.random(), 0), 1);
  return Math.floor(fraction * cap);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
