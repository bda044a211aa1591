// Every allowed transition, driven through the Store method that makes it, and the
// commands that must refuse a state they do not apply to.
import { afterEach, describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { RedubError } from '../../../src-main/shared/errors.js';
import type { JobRow } from '../../../src-main/core/store/store.js';
import { createStore, newJob, type StoreFixture } from './store-fixture.js';
import { thrownCode } from '../../helpers/errors.js';

const failure = new RedubError('E_FFMPEG_FAILED', { details: ['exit 1'] }).toData();


describe('Store transitions', () => {
  const directory = useTemporaryDirectory();
  let fixture: StoreFixture;
  afterEach(() => fixture.close());

  function setup() {
    fixture = createStore(directory());
    return fixture.store;
  }

  function running(): JobRow {
    const { store } = fixture;
    const { job } = store.jobs.enqueue(newJob());
    const claimed = store.jobs.claimNext('owner-a', 10_000);
    expect(claimed?.id).toBe(job.id);
    return claimed!;
  }

  it('queued → running (claimNext)', () => {
    setup();
    const job = running();
    expect(job.state).toBe('running');
    expect(job.attempts).toBe(1);
    expect(job.leaseOwner).toBe('owner-a');
    expect(job.leaseExpiresMs).toBe(fixture.clock.now + 10_000);
    expect(job.allocationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(job.startedMs).toBe(fixture.clock.now);
  });

  it('queued → cancelled (cancel)', () => {
    const store = setup();
    const { job } = store.jobs.enqueue(newJob());
    const cancelled = store.jobs.cancel(job.id);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.error?.code).toBe('E_CANCELLED');
    expect(cancelled.finishedMs).toBe(fixture.clock.now);
  });

  it('running → done (complete)', () => {
    const store = setup();
    const job = running();
    expect(store.jobs.complete(job.id, job.allocationId!, { video: '/out/a.es.mp4' })).toBe(true);
    const done = store.jobs.require(job.id);
    expect(done).toMatchObject({ state: 'done', progress: 100, leaseOwner: null, leaseExpiresMs: null, outputs: { video: '/out/a.es.mp4' } });
    expect(done.finishedMs).toBe(fixture.clock.now);
  });

  it('running → retry_wait (fail, retryable, attempts left)', () => {
    const store = setup();
    const job = running();
    expect(store.jobs.fail(job.id, job.allocationId!, failure)).toBe('retry_wait');
    const waiting = store.jobs.require(job.id);
    expect(waiting).toMatchObject({ state: 'retry_wait', error: failure, leaseOwner: null, finishedMs: null });
    expect(waiting.runAfterMs).toBe(fixture.clock.now + Math.round(Math.exp(1) * 1000));
  });

  it('running → failed (fail, not retryable)', () => {
    const store = setup();
    const job = running();
    expect(store.jobs.fail(job.id, job.allocationId!, failure, { retryable: false })).toBe('failed');
    expect(store.jobs.require(job.id)).toMatchObject({ state: 'failed', error: failure, finishedMs: fixture.clock.now });
  });

  it('running → cancelled (cancel), after which the holder can no longer settle it', () => {
    const store = setup();
    const job = running();
    expect(store.jobs.cancel(job.id).state).toBe('cancelled');
    expect(store.jobs.complete(job.id, job.allocationId!, {})).toBe(false);
    expect(store.jobs.fail(job.id, job.allocationId!, failure)).toBeNull();
    expect(store.jobs.renewLease(job.id, job.allocationId!, 1000)).toBe(false);
    expect(store.jobs.require(job.id).state).toBe('cancelled');
  });

  it('running → queued (recoverInterrupted)', () => {
    const store = setup();
    const job = running();
    expect(store.jobs.recoverInterrupted(() => false).map((row) => row.id)).toEqual([job.id]);
    expect(store.jobs.require(job.id)).toMatchObject({ state: 'queued', leaseOwner: null, leaseExpiresMs: null });
  });

  it('retry_wait → running (claimNext once run_after_ms has come)', () => {
    const store = setup();
    const job = running();
    store.jobs.fail(job.id, job.allocationId!, failure);
    fixture.clock.now = store.jobs.require(job.id).runAfterMs;
    const again = store.jobs.claimNext('owner-b', 10_000);
    expect(again).toMatchObject({ id: job.id, state: 'running', attempts: 2, leaseOwner: 'owner-b' });
    expect(again!.allocationId).not.toBe(job.allocationId);
  });

  it('retry_wait → cancelled (cancel)', () => {
    const store = setup();
    const job = running();
    store.jobs.fail(job.id, job.allocationId!, failure);
    expect(store.jobs.cancel(job.id).state).toBe('cancelled');
  });

  it('failed → queued (retry), clearing attempts, error and wait', () => {
    const store = setup();
    const job = running();
    store.jobs.fail(job.id, job.allocationId!, failure, { retryable: false });
    expect(store.jobs.retry(job.id)).toMatchObject({ state: 'queued', attempts: 0, error: null, runAfterMs: 0, finishedMs: null, startedMs: null });
  });

  it('cancelled → queued (retry)', () => {
    const store = setup();
    const { job } = store.jobs.enqueue(newJob());
    store.jobs.cancel(job.id);
    expect(store.jobs.retry(job.id)).toMatchObject({ state: 'queued', attempts: 0, error: null });
  });

  it('done → queued (requeueDone), forgetting the old outputs', () => {
    const store = setup();
    const job = running();
    store.jobs.complete(job.id, job.allocationId!, { video: '/gone.mp4' });
    expect(store.jobs.requeueDone(job.id)).toMatchObject({ state: 'queued', attempts: 0, progress: 0, outputs: {} });
  });

  describe('refusals', () => {
    it('cannot cancel a done or failed job', () => {
      const store = setup();
      const done = running();
      store.jobs.complete(done.id, done.allocationId!, {});
      expect(thrownCode(() => store.jobs.cancel(done.id))).toBe('E_JOB_STATE');
      const failed = running();
      store.jobs.fail(failed.id, failed.allocationId!, failure, { retryable: false });
      expect(thrownCode(() => store.jobs.cancel(failed.id))).toBe('E_JOB_STATE');
    });

    it('returns an already cancelled job as it is', () => {
      const store = setup();
      const { job } = store.jobs.enqueue(newJob());
      const first = store.jobs.cancel(job.id);
      fixture.clock.now += 5000;
      expect(store.jobs.cancel(job.id)).toEqual(first);
    });

    it('cannot retry a queued, running, retry_wait or done job', () => {
      const store = setup();
      const { job: queued } = store.jobs.enqueue(newJob());
      expect(thrownCode(() => store.jobs.retry(queued.id))).toBe('E_JOB_STATE');
      store.jobs.cancel(queued.id);
      const job = running();
      expect(thrownCode(() => store.jobs.retry(job.id))).toBe('E_JOB_STATE');
      store.jobs.fail(job.id, job.allocationId!, failure);
      expect(thrownCode(() => store.jobs.retry(job.id))).toBe('E_JOB_STATE');
      fixture.clock.now += 60_000;
      const again = store.jobs.claimNext('owner-a', 1000)!;
      store.jobs.complete(again.id, again.allocationId!, {});
      expect(thrownCode(() => store.jobs.retry(job.id))).toBe('E_JOB_STATE');
    });

    it('cannot requeue a job that is not done', () => {
      const store = setup();
      const { job } = store.jobs.enqueue(newJob());
      expect(thrownCode(() => store.jobs.requeueDone(job.id))).toBe('E_JOB_STATE');
    });

    it('cannot delete a running job, deletes others with their records, and reports unknown ids', () => {
      const store = setup();
      const job = running();
      try {
        store.jobs.delete(job.id);
        expect.unreachable();
      } catch (error) {
        expect((error as RedubError).code).toBe('E_JOB_STATE');
        expect((error as RedubError).message).toMatch(/cancel it first/);
      }
      store.logs.append(job.id, 'info', null, 'line');
      store.stages.upsert(job.id, 'probe', { state: 'done' });
      store.jobs.cancel(job.id);
      store.jobs.delete(job.id);
      expect(store.jobs.get(job.id)).toBeNull();
      expect(store.logs.page(job.id)).toEqual([]);
      expect(thrownCode(() => store.jobs.delete(job.id))).toBe('E_JOB_NOT_FOUND');
      expect(thrownCode(() => store.jobs.require(job.id))).toBe('E_JOB_NOT_FOUND');
      expect(thrownCode(() => store.jobs.cancel('nope'))).toBe('E_JOB_NOT_FOUND');
      expect(thrownCode(() => store.jobs.retry('nope'))).toBe('E_JOB_NOT_FOUND');
    });

    it('lets no one but the holder touch a job that is not running', () => {
      const store = setup();
      const { job } = store.jobs.enqueue(newJob());
      expect(store.jobs.complete(job.id, 'anything', {})).toBe(false);
      expect(store.jobs.fail(job.id, 'anything', failure)).toBeNull();
      expect(store.jobs.updateProgress(job.id, 'anything', 10, null)).toBe(false);
      expect(store.jobs.require(job.id).state).toBe('queued');
    });
  });
});
