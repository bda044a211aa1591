// The scheduler over a real store with a scripted job runner: it settles each attempt as done,
// retry-wait or failed, passes cancellation from the store to the running job, and claims only
// the jobs it was given.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedubError } from '../../../src-main/shared/errors.js';
import { Store, type JobRow } from '../../../src-main/core/store/store.js';
import { Scheduler, type JobRunner } from '../../../src-main/core/queue/scheduler.js';
import { openDatabase } from '../../../src-main/core/store/database.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

describe('Scheduler', () => {
  const temporary = useTemporaryDirectory();

  function setup(runJob: JobRunner, jobCount = 1, jobIds?: (ids: string[]) => string[]) {
    const store = new Store(openDatabase(path.join(temporary(), 'redub.db')), { retryBaseMs: 1 });
    const ids = Array.from({ length: jobCount }, (_, index) =>
      store.jobs.enqueue({ idempotencyKey: `k${index}`, inputPath: `/v${index}.mp4`, language: 'es', sourceLanguage: null, options: {}, maxAttempts: 3 }).job.id,
    );
    const cancelled: string[] = [];
    const scheduler = new Scheduler({ store, runJob, concurrency: 1, pollMs: 20, jobIds: jobIds ? new Set(jobIds(ids)) : undefined, onCancelled: (job) => cancelled.push(job.id) });
    return { store, ids, scheduler, cancelled };
  }

  it('completes a job with the outputs the runner returns', async () => {
    const { store, ids, scheduler } = setup(async (_job, _signal, onProgress) => {
      onProgress(50, 1000);
      return { outputs: { video: '/out/v.es.mp4' } };
    });
    scheduler.start();
    const [job] = await scheduler.waitFor(ids);
    await scheduler.stop();
    expect(job!.state).toBe('done');
    expect(job!.outputs.video).toBe('/out/v.es.mp4');
    expect(store.logs.page(ids[0]!, {}).map((line) => line.message)).toContain('Done.');
  });

  it('starts work queued through its process when woken, without waiting for the next poll', async () => {
    const store = new Store(openDatabase(path.join(temporary(), 'redub.db')), { retryBaseMs: 1 });
    const started: number[] = [];
    // A poll so slow that only a wake can start the job within the test's wait.
    const scheduler = new Scheduler({ store, runJob: async () => (started.push(Date.now()), { outputs: {} }), concurrency: 1, pollMs: 60_000, onCancelled: () => undefined });
    scheduler.start();
    const { job } = store.jobs.enqueue({ idempotencyKey: 'late', inputPath: '/late.mp4', language: 'es', sourceLanguage: null, options: {}, maxAttempts: 1 });
    scheduler.wake();
    const [settled] = await Promise.race([scheduler.waitFor([job.id]), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not started within 2 s')), 2000))]);
    await scheduler.stop();
    expect(settled!.state).toBe('done');
    expect(started).toHaveLength(1);
  });

  it('retries a processing failure after a backoff, then succeeds', async () => {
    let calls = 0;
    const { ids, scheduler } = setup(async () => {
      calls++;
      if (calls === 1) throw new RedubError('E_FFMPEG_FAILED');
      return { outputs: {} };
    });
    scheduler.start();
    const [job] = await scheduler.waitFor(ids);
    await scheduler.stop();
    expect(calls).toBe(2);
    expect(job!.state).toBe('done');
    expect(job!.attempts).toBe(2);
  });

  it('fails at once on bad input, keeping the error, without retrying', async () => {
    let calls = 0;
    const { ids, scheduler } = setup(async () => {
      calls++;
      throw new RedubError('E_SUBTITLES_INVALID');
    });
    scheduler.start();
    const [job] = await scheduler.waitFor(ids);
    await scheduler.stop();
    expect(calls).toBe(1);
    expect(job!.state).toBe('failed');
    expect(job!.error?.code).toBe('E_SUBTITLES_INVALID');
  });

  it('ends in the failed list once attempts run out', async () => {
    const { ids, scheduler } = setup(async () => {
      throw new RedubError('E_WORKER_CRASHED');
    });
    scheduler.start();
    const [job] = await scheduler.waitFor(ids);
    await scheduler.stop();
    expect(job!.state).toBe('failed');
    expect(job!.attempts).toBe(3);
    expect(job!.error?.code).toBe('E_WORKER_CRASHED');
  });

  it('aborts the running job when the store says it was cancelled, and reports it', async () => {
    let signalSeen: AbortSignal | null = null;
    const { store, ids, scheduler, cancelled } = setup(
      (_job, signal) =>
        new Promise((_resolve, reject) => {
          signalSeen = signal;
          signal.addEventListener('abort', () => reject(new RedubError('E_CANCELLED')));
        }),
    );
    scheduler.start();
    while (store.jobs.get(ids[0]!)!.state !== 'running') await new Promise((resolve) => setTimeout(resolve, 5));
    store.jobs.cancel(ids[0]!);
    const [job] = await scheduler.waitFor(ids);
    await scheduler.stop();
    expect((signalSeen as AbortSignal | null)?.aborted).toBe(true);
    expect(job!.state).toBe('cancelled');
    expect(cancelled).toEqual(ids);
  });

  it('claims only the jobs it was given', async () => {
    const ran: string[] = [];
    const { store, ids, scheduler } = setup(
      async (job: JobRow) => {
        ran.push(job.id);
        return { outputs: {} };
      },
      2,
      (all) => [all[1]!],
    );
    scheduler.start();
    await scheduler.waitFor([ids[1]!]);
    await scheduler.stop();
    expect(ran).toEqual([ids[1]]);
    expect(store.jobs.get(ids[0]!)!.state).toBe('queued');
  });
});
