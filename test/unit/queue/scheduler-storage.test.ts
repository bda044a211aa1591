// The scheduler when the store refuses writes (a full disk, a database locked by another
// process): it never crashes, names the problem, settles the attempt once writes land again, a
// locked database costs no attempt, and a lease that runs out is re-claimed without a restart.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedubError } from '../../../src-main/shared/errors.js';
import { Store } from '../../../src-main/core/store/store.js';
import { Scheduler, type JobRunner } from '../../../src-main/core/queue/scheduler.js';
import { openDatabase } from '../../../src-main/core/store/database.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

/** better-sqlite3's error for a database that cannot grow. */
function sqliteFull(): Error {
  return Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
}

/** A real store whose queue writes and log appends named in `failing` throw SQLITE_FULL while `full` is set. */
function fillableStore(store: Store, failing: readonly string[]) {
  const state = { full: false };
  const failingProxy = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(inner, property, receiver) {
        const value = Reflect.get(inner, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (state.full && failing.includes(String(property))) throw sqliteFull();
          return (value as (...more: unknown[]) => unknown).apply(inner, args);
        };
      },
    });
  return { store: { jobs: failingProxy(store.jobs), logs: failingProxy(store.logs) }, state };
}

describe('Scheduler and a store that refuses writes', () => {
  const temporary = useTemporaryDirectory();

  function open() {
    const store = new Store(openDatabase(path.join(temporary(), 'redub.db')), { retryBaseMs: 1 });
    const id = store.jobs.enqueue({ idempotencyKey: 'k', inputPath: '/v.mp4', language: 'es', sourceLanguage: null, options: {}, maxAttempts: 3 }).job.id;
    return { real: store, id };
  }

  it('keeps an attempt it cannot record, names E_DISK_FULL, and records it once the disk takes writes again', async () => {
    const { real, id } = open();
    const { store, state } = fillableStore(real, ['complete', 'fail', 'append', 'claimNext', 'probeWrite', 'renewLease']);
    const runJob: JobRunner = async () => {
      state.full = true;
      return { outputs: { video: '/out/v.es.mp4' } };
    };
    const scheduler = new Scheduler({ store, runJob, concurrency: 1, pollMs: 20 });
    scheduler.start();
    const [ended] = await scheduler.waitFor([id]);
    // Ended here, but not on record: the command waiting for it is told why instead of hanging.
    expect(ended!.state).toBe('running');
    expect(scheduler.storageProblem).toMatchObject({ code: 'E_DISK_FULL' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(real.jobs.get(id)!.state).toBe('running');

    state.full = false;
    const deadline = Date.now() + 5000;
    while (real.jobs.get(id)!.state !== 'done' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await scheduler.stop();
    expect(real.jobs.get(id)).toMatchObject({ state: 'done', outputs: { video: '/out/v.es.mp4' } });
    expect(scheduler.storageProblem).toBeNull();
  });

  it('survives a claim that fails with SQLITE_FULL and claims once space returns', async () => {
    const { real, id } = open();
    const { store, state } = fillableStore(real, ['claimNext', 'probeWrite']);
    state.full = true;
    const scheduler = new Scheduler({ store, runJob: async () => ({ outputs: {} }), concurrency: 1, pollMs: 20 });
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(scheduler.storageProblem).toMatchObject({ code: 'E_DISK_FULL' });
    expect(real.jobs.get(id)!.state).toBe('queued');
    state.full = false;
    const [job] = await scheduler.waitFor([id]);
    await scheduler.stop();
    expect(job!.state).toBe('done');
  });

  it('gives back the attempt of a run that failed on a locked database', async () => {
    const { real, id } = open();
    let calls = 0;
    const runJob: JobRunner = async () => {
      calls++;
      if (calls <= 3) throw new RedubError('E_DATABASE_BUSY');
      return { outputs: {} };
    };
    const scheduler = new Scheduler({ store: real, runJob, concurrency: 1, pollMs: 20 });
    scheduler.start();
    const [job] = await scheduler.waitFor([id]);
    await scheduler.stop();
    // Three busy failures on a job allowed three attempts, and it still finished on its first.
    expect(job).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('re-claims a job whose lease ran out while this scheduler runs, without a restart', async () => {
    const { real, id } = open();
    // Another process claimed it and died without a trace: its lease runs out in 50 ms.
    expect(real.jobs.claimNext('elsewhere:1:gone', 50)!.id).toBe(id);
    const scheduler = new Scheduler({ store: real, runJob: async () => ({ outputs: {} }), concurrency: 1, pollMs: 20 });
    scheduler.start();
    const [job] = await scheduler.waitFor([id]);
    await scheduler.stop();
    expect(job).toMatchObject({ state: 'done', attempts: 2 });
    expect(real.logs.page(id, {}).some((line) => /lease of the process running this job ran out/.test(line.message))).toBe(true);
  });
});
