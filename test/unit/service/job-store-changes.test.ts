// The two ways the event feed learns of changes: the store's change hook (every state change this
// connection commits, at once) and changedSince (what any connection changed, by time).
import { describe, expect, it } from 'vitest';
import { RedubError } from '../../../src-main/shared/errors.js';
import type { JobState } from '../../../src-main/shared/jobs.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { createStore, newJob } from '../queue/store-fixture.js';

describe('Store.onDidChangeJob', () => {
  const temporary = useTemporaryDirectory();

  function record(fixture: ReturnType<typeof createStore>) {
    const seen: [string, JobState | 'deleted'][] = [];
    const unsubscribe = fixture.store.jobs.onDidChangeJob((id) => seen.push([id, fixture.store.jobs.get(id)?.state ?? 'deleted']));
    return { seen, unsubscribe };
  }

  it('reports every transition of a job, each after it was committed', () => {
    const fixture = createStore(temporary());
    const { store, clock } = fixture;
    const { seen } = record(fixture);
    const { job } = store.jobs.enqueue(newJob({ maxAttempts: 2 }));
    const first = store.jobs.claimNext('owner', 30_000)!;
    store.jobs.fail(job.id, first.allocationId!, new RedubError('E_FFMPEG_FAILED').toData());
    clock.now += 60_000;
    const second = store.jobs.claimNext('owner', 30_000)!;
    store.jobs.complete(job.id, second.allocationId!, {});
    store.jobs.requeueDone(job.id);
    store.jobs.cancel(job.id);
    store.jobs.retry(job.id);
    store.jobs.delete(job.id);
    expect(seen.map(([, state]) => state)).toEqual(['queued', 'running', 'retry_wait', 'running', 'done', 'queued', 'cancelled', 'queued', 'deleted']);
    expect(new Set(seen.map(([id]) => id))).toEqual(new Set([job.id]));
    fixture.close();
  });

  it('reports crash recovery and a failure that ends in the dead-letter list', () => {
    const fixture = createStore(temporary());
    const { store } = fixture;
    const { job } = store.jobs.enqueue(newJob({ maxAttempts: 1 }));
    const claimed = store.jobs.claimNext('gone-owner', 30_000)!;
    const { seen } = record(fixture);
    store.jobs.recoverInterrupted(() => false);
    const again = store.jobs.claimNext('owner', 30_000)!;
    store.jobs.fail(job.id, again.allocationId!, new RedubError('E_FFMPEG_FAILED').toData());
    expect(claimed.id).toBe(job.id);
    expect(seen.map(([, state]) => state)).toEqual(['queued', 'running', 'failed']);
    fixture.close();
  });

  it('stays quiet for changes that changed nothing, and after unsubscribing', () => {
    const fixture = createStore(temporary());
    const { store } = fixture;
    const { job } = store.jobs.enqueue(newJob());
    store.jobs.cancel(job.id);
    const { seen, unsubscribe } = record(fixture);
    store.jobs.cancel(job.id);
    expect(store.jobs.complete(job.id, 'not-the-holder', {})).toBe(false);
    expect(seen).toEqual([]);
    unsubscribe();
    store.jobs.retry(job.id);
    expect(seen).toEqual([]);
    fixture.close();
  });

  it('does not let a failing listener turn a committed change into an error', () => {
    const fixture = createStore(temporary());
    fixture.store.jobs.onDidChangeJob(() => {
      throw new Error('listener bug');
    });
    const { job } = fixture.store.jobs.enqueue(newJob());
    expect(fixture.store.jobs.cancel(job.id).state).toBe('cancelled');
    fixture.close();
  });
});

describe('Store.changedSince', () => {
  const temporary = useTemporaryDirectory();

  it('returns the jobs changed at or after a time, oldest change first, whichever connection changed them', () => {
    const fixture = createStore(temporary());
    const { store, clock } = fixture;
    const a = store.jobs.enqueue(newJob()).job;
    clock.now += 10;
    const b = store.jobs.enqueue(newJob()).job;
    clock.now += 10;
    const other = fixture.open();
    other.jobs.cancel(a.id);
    expect(store.jobs.changedSince(clock.now).map((job) => job.id)).toEqual([a.id]);
    expect(store.jobs.changedSince(clock.now - 10).map((job) => job.id)).toEqual([b.id, a.id]);
    expect(store.jobs.changedSince(clock.now + 1)).toEqual([]);
    fixture.close();
  });
});
