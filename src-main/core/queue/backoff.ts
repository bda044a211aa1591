// Owns the wait between attempts: exponential in the attempt number, capped, with jitter so
// jobs that failed together do not all retry together (graphile-worker's curve).
export interface RetryDelayOptions {
  baseMs?: number;
  /** Uniform in [0, 1); injected by tests. */
  random?: () => number;
}

const maxExponent = 10;

export function retryDelayMs(attempt: number, options: RetryDelayOptions = {}): number {
  const baseMs = options.baseMs ?? 1000;
  const random = options.random ?? Math.random;
  const exponent = Math.min(Math.max(attempt, 0), maxExponent);
  const jitter = 0.5 + random();
  return Math.round(Math.exp(exponent) * baseMs * jitter);
}
