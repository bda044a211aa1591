// Owns failing fast against a host that keeps failing. Model downloads and URL imports retry with
// backoff; without a breaker every queued job would still try a dead server in turn. After
// `threshold` failures in a row against one host, further attempts are refused at once with
// E_HOST_UNAVAILABLE until `coolDownMs` has passed; then one attempt is let through (half open):
// its success closes the breaker, its failure opens it again. The state is per process (each
// worker keeps its own), which is what stops one worker's queue of jobs hammering the host.
import { RedubError } from '../../shared/errors.js';

interface HostState {
  failures: number;
  openUntil: number;
  lastFailure: string;
}

export class CircuitBreaker {
  private readonly hosts = new Map<string, HostState>();

  constructor(
    private readonly threshold = 5,
    private readonly coolDownMs = 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Throws E_HOST_UNAVAILABLE while the host's breaker is open. */
  assertClosed(url: string): void {
    const host = hostOf(url);
    const state = this.hosts.get(host);
    if (!state || state.openUntil === 0) return;
    const now = this.clock();
    if (now >= state.openUntil) {
      // Half open: one attempt may go; a failure reopens at once (failures stays at threshold).
      state.openUntil = 0;
      return;
    }
    throw new RedubError('E_HOST_UNAVAILABLE', {
      details: [
        `${host} failed ${state.failures} time(s) in a row (last: ${state.lastFailure}).`,
        `Redub tries it again in ${Math.ceil((state.openUntil - now) / 1000)} s.`,
      ],
    });
  }

  failure(url: string, reason: string): void {
    const host = hostOf(url);
    const state = this.hosts.get(host) ?? { failures: 0, openUntil: 0, lastFailure: '' };
    state.failures++;
    state.lastFailure = reason.slice(0, 200);
    if (state.failures >= this.threshold) state.openUntil = this.clock() + this.coolDownMs;
    this.hosts.set(host, state);
  }

  success(url: string): void {
    this.hosts.delete(hostOf(url));
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url.slice(0, 100);
  }
}

/** The breaker this process's downloads share. */
export const downloadBreaker = new CircuitBreaker();
