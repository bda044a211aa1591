import { afterEach, describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { RedubError } from '../../../src-main/shared/errors.js';
import { createStore, newJob, type StoreFixture } from './store-fixture.js';

const failure = new RedubError('E_SYNTHESIS_FAILED').toData();

describe('Store claiming and leases', () => {
  const directory = useTemporaryDirectory();
  let fixture: StoreFixture;
  afterEach(() => fixture.close());

  it('claims by priority first, then oldest first', () => {
    fixture = createStore(directory());
    const { store, clock } = fixture;
    const old = store.jobs.enqueue(newJob()).job;
    clock.now += 1;
    const urgent = store.jobs.enqueue(newJob({ priority: 5 })).job;
    clock.now += 1;
    const newer = store.jobs.enqueue(newJob()).job;
    clock.now += 1;
    const urgentNewer = store.jobs.enqueue(newJob({ priority: 5 })).job;
    const order = [1, 2, 3, 4].map(() => store.jobs.claimNext('owner', 1000)?.id);
    expect(order).toEqual([urgent.id, urgentNewer.id, old.id, newer.id]);
    expect(store.jobs.claimNext('owner', 1000)).toBeNull();
  });

  it('claims only among the given job ids when asked', () => {
    fixture = createStore(directory());
    const { store } = fixture;
    store.jobs.enqueue(newJob({ priority: 9 }));
    const mine = store.jobs.enqueue(newJob()).job;
    expect(store.jobs.claimNext('cli', 1000, [mine.id])?.id).toBe(mine.id);
    expect(store.jobs.claimNext('cli', 1000, [mine.id])).toBeNull();
    expect(store.jobs.claimNext('cli', 1000, [])).toBeNull();
  });

  it('gives a job to exactly one of two connections to the same file', () => {
    fixture = createStore(directory());
    const other = fixture.open();
    for (let index = 0; index < 10; index++) fixture.store.jobs.enqueue(newJob());
    const claims: Record<string, string[]> = { a: [], b: [] };
    for (;;) {
      const a = fixture.store.jobs.claimNext('a', 1000);
      const b = other.jobs.claimNext('b', 1000);
      if (a) claims.a!.push(a.id);
      if (b) claims.b!.push(b.id);
      if (!a && !b) break;
    }
    const all = [...claims.a!, ...claims.b!];
    expect(all).toHaveLength(10);
    expect(new Set(all).size).toBe(10);
    expect(claims.a!.length).toBeGreaterThan(0);
    expect(claims.b!.length).toBeGreaterThan(0);
    for (const id of claims.b!) expect(fixture.store.jobs.require(id).leaseOwner).toBe('b');
  });

  it('refuses a stale allocation id after the job was recovered and claimed again', () => {
    fixture = createStore(directory());
    const other = fixture.open();
    fixture.store.jobs.enqueue(newJob());
    const first = fixture.store.jobs.claimNext('a', 1000)!;
    fixture.clock.now += 1001;
    other.jobs.recoverInterrupted(() => true);
    const second = other.jobs.claimNext('b', 1000)!;
    expect(second.id).toBe(first.id);

    expect(fixture.store.jobs.renewLease(first.id, first.allocationId!, 1000)).toBe(false);
    expect(fixture.store.jobs.updateProgress(first.id, first.allocationId!, 50, 10)).toBe(false);
    expect(fixture.store.jobs.complete(first.id, first.allocationId!, { video: '/stale.mp4' })).toBe(false);
    expect(fixture.store.jobs.fail(first.id, first.allocationId!, failure)).toBeNull();
    expect(other.jobs.require(first.id)).toMatchObject({ state: 'running', leaseOwner: 'b', outputs: {}, error: null });

    expect(other.jobs.updateProgress(second.id, second.allocationId!, 40, 5000)).toBe(true);
    expect(other.jobs.complete(second.id, second.allocationId!, { video: '/fresh.mp4' })).toBe(true);
    expect(fixture.store.jobs.require(first.id).outputs).toEqual({ video: '/fresh.mp4' });
  });

  it('lets the holder renew its lease and report progress (clamped to 0–100)', () => {
    fixture = createStore(directory());
    const { store, clock } = fixture;
    store.jobs.enqueue(newJob());
    const job = store.jobs.claimNext('a', 1000)!;
    clock.now += 900;
    expect(store.jobs.renewLease(job.id, job.allocationId!, 1000)).toBe(true);
    expect(store.jobs.require(job.id).leaseExpiresMs).toBe(clock.now + 1000);
    store.jobs.updateProgress(job.id, job.allocationId!, 42.5, 12_000);
    expect(store.jobs.require(job.id)).toMatchObject({ progress: 42.5, etaMs: 12_000 });
    store.jobs.updateProgress(job.id, job.allocationId!, 250, null);
    expect(store.jobs.require(job.id)).toMatchObject({ progress: 100, etaMs: null });
  });

  it('does not claim a retry_wait job before its run_after_ms', () => {
    fixture = createStore(directory());
    const { store, clock } = fixture;
    store.jobs.enqueue(newJob());
    const job = store.jobs.claimNext('a', 1000)!;
    store.jobs.fail(job.id, job.allocationId!, failure);
    const runAfter = store.jobs.require(job.id).runAfterMs;
    expect(runAfter).toBeGreaterThan(clock.now);
    clock.now = runAfter - 1;
    expect(store.jobs.claimNext('a', 1000)).toBeNull();
    clock.now = runAfter;
    expect(store.jobs.claimNext('a', 1000)?.id).toBe(job.id);
  });

  it('backs off longer after each failed attempt, then fails for good keeping the last error', () => {
    fixture = createStore(directory(), { retryBaseMs: 100 });
    const { store, clock } = fixture;
    store.jobs.enqueue(newJob({ maxAttempts: 3 }));
    const waits: number[] = [];
    const states: (string | null)[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const job = store.jobs.claimNext('a', 1000)!;
      expect(job.attempts).toBe(attempt);
      const error = new RedubError('E_FFMPEG_FAILED', { details: [`attempt ${attempt}`] }).toData();
      states.push(store.jobs.fail(job.id, job.allocationId!, error));
      const row = store.jobs.require(job.id);
      if (row.state === 'retry_wait') {
        waits.push(row.runAfterMs - clock.now);
        clock.now = row.runAfterMs;
      }
    }
    expect(states).toEqual(['retry_wait', 'retry_wait', 'failed']);
    expect(waits).toEqual([Math.round(Math.exp(1) * 100), Math.round(Math.exp(2) * 100)]);
    const failed = store.jobs.list({ states: ['failed'] });
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error?.details).toEqual(['attempt 3']);
    expect(store.jobs.claimNext('a', 1000)).toBeNull();
  });

  it('claims nothing while the queue is paused, from any connection', () => {
    fixture = createStore(directory());
    const other = fixture.open();
    fixture.store.jobs.enqueue(newJob());
    fixture.store.jobs.setPaused(true);
    expect(other.jobs.isPaused()).toBe(true);
    expect(other.jobs.claimNext('b', 1000)).toBeNull();
    other.jobs.setPaused(false);
    expect(fixture.store.jobs.claimNext('a', 1000)).not.toBeNull();
  });

  describe('recoverInterrupted', () => {
    it('requeues a running job whose owner is dead, even with time left on its lease', () => {
      fixture = createStore(directory());
      const { store } = fixture;
      store.jobs.enqueue(newJob());
      const job = store.jobs.claimNext('dead-owner', 60_000)!;
      const recovered = store.jobs.recoverInterrupted((owner) => owner !== 'dead-owner');
      expect(recovered.map((row) => row.id)).toEqual([job.id]);
      expect(recovered[0]).toMatchObject({ state: 'queued', leaseOwner: null, attempts: 1 });
    });

    it('requeues a running job whose lease expired, even if its owner lives', () => {
      fixture = createStore(directory());
      const { store, clock } = fixture;
      store.jobs.enqueue(newJob());
      const job = store.jobs.claimNext('alive', 1000)!;
      clock.now += 999;
      expect(store.jobs.recoverInterrupted(() => true)).toEqual([]);
      clock.now += 1;
      expect(store.jobs.recoverInterrupted(() => true).map((row) => row.id)).toEqual([job.id]);
    });

    it('leaves a live holder with a current lease alone, and ignores jobs not running', () => {
      fixture = createStore(directory());
      const { store } = fixture;
      store.jobs.enqueue(newJob());
      store.jobs.enqueue(newJob());
      const job = store.jobs.claimNext('alive', 1000)!;
      expect(store.jobs.recoverInterrupted(() => true)).toEqual([]);
      expect(store.jobs.require(job.id).state).toBe('running');
      expect(store.jobs.count({ states: ['queued'] })).toBe(1);
    });
  });
});
