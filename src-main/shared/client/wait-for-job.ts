// Waits for a job to finish. Events say when to look, but the job itself is the answer: it is read
// again on every (re)connect and on every resync, so an event missed while the connection was down
// or a server that restarted mid-job (and so cannot replay) never leaves the wait hanging.
import type { JobDetails } from '../jobs.js';
import { RedubError } from '../errors.js';
import { RedubApiError } from './api-error.js';
import type { ClientEvent } from './event-message.js';
import type { Subscription, SubscribeOptions } from './event-subscription.js';

export interface WaitForJobOptions {
  /** Give up after this long (no limit by default). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface JobWaitHost {
  getJob(id: string, options?: { signal?: AbortSignal }): Promise<JobDetails>;
  subscribe(listener: (event: ClientEvent) => void, options?: SubscribeOptions): Subscription;
}

/** The error a failed or cancelled job ends with, as the API's error. */
export function jobEndError(job: JobDetails): RedubApiError {
  if (job.error) return new RedubApiError(job.error);
  return new RedubApiError(new RedubError(job.state === 'cancelled' ? 'E_CANCELLED' : 'E_STAGE_FAILED', { details: [`Job ${job.id} ended ${job.state}.`] }).toData());
}

export function waitForJob(host: JobWaitHost, id: string, options: WaitForJobOptions = {}): Promise<JobDetails> {
  return new Promise<JobDetails>((resolve, reject) => {
    const stop = new AbortController();
    let settled = false;
    let reading = false;
    let readAgain = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let subscription: Subscription | null = null;

    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      subscription?.unsubscribe();
      stop.abort();
      outcome();
    };
    const onAbort = () => finish(() => reject(options.signal!.reason));

    // One read at a time; a reason to look that comes during a read gets one more read after it.
    const look = async () => {
      if (settled) return;
      if (reading) {
        readAgain = true;
        return;
      }
      reading = true;
      try {
        do {
          readAgain = false;
          const job = await host.getJob(id, { signal: stop.signal });
          if (job.state === 'done') finish(() => resolve(job));
          else if (job.state === 'failed' || job.state === 'cancelled') finish(() => reject(jobEndError(job)));
        } while (readAgain && !settled);
      } catch (error) {
        // A 4xx (no such job) is the answer; an unreachable server is not: the next reconnect looks again.
        if (error instanceof RedubApiError && error.status !== null && error.status < 500) finish(() => reject(error));
      } finally {
        reading = false;
      }
    };

    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      const limit = options.timeoutMs;
      timer = setTimeout(() => {
        finish(() =>
          reject(new RedubApiError(new RedubError('E_API_TIMEOUT', {
            message: `Job ${id} did not finish within ${limit >= 1000 ? `${Math.round(limit / 1000)} s` : `${limit} ms`}.`,
            action: `Wait longer, or see where it is with \`redub jobs show ${id}\`.`,
          }).toData())),
        );
      }, limit);
    }
    subscription = host.subscribe(
      (event) => {
        if (event.type === 'resync') void look();
        else if (event.type === 'job.updated' && event.job.id === id && ['done', 'failed', 'cancelled'].includes(event.job.state)) void look();
        else if (event.type === 'job.removed' && event.id === id) void look();
      },
      {
        onConnection: (state) => {
          if (state === 'open') void look();
        },
        onError: (error) => finish(() => reject(error)),
      },
    );
    if (settled) subscription.unsubscribe();
  });
}
