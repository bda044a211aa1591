import { afterEach, describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { RedubError } from '../../../src-main/shared/errors.js';
import { createStore, newJob, type StoreFixture } from './store-fixture.js';

describe('JobStore enqueue and listing', () => {
  const directory = useTemporaryDirectory();
  let fixture: StoreFixture;
  afterEach(() => fixture.close());

  it('creates a queued job with defaults and parsed options', () => {
    fixture = createStore(directory());
    const { job, created } = fixture.store.enqueue(newJob({ options: { voice: 'es+f3', speed: 1.2 } }));
    expect(created).toBe(true);
    expect(job).toMatchObject({
      state: 'queued', priority: 0, attempts: 0, maxAttempts: 3, runAfterMs: 0, progress: 0, error: null, outputs: {},
      options: { voice: 'es+f3', speed: 1.2 }, sourceLanguage: 'en', createdMs: fixture.clock.now, startedMs: null,
    });
    expect(job.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
  });

  it('returns the existing job for the same key, unchanged, in every live state', () => {
    fixture = createStore(directory());
    const { store } = fixture;
    const request = newJob();
    const first = store.enqueue(request).job;
    expect(store.enqueue(request)).toEqual({ job: first, created: false });

    const running = store.claimNext('a', 1000)!;
    expect(store.enqueue(request)).toEqual({ job: running, created: false });
    store.complete(running.id, running.allocationId!, { video: '/out.mp4' });
    const done = store.require(running.id);
    expect(store.enqueue(request)).toEqual({ job: done, created: false });
    expect(store.count()).toBe(1);
  });

  it('starts a failed or cancelled job again when its key is enqueued again', () => {
    fixture = createStore(directory());
    const { store } = fixture;
    const request = newJob();
    const { job } = store.enqueue(request);
    const claimed = store.claimNext('a', 1000)!;
    store.fail(claimed.id, claimed.allocationId!, new RedubError('E_NOT_MEDIA').toData(), { retryable: false });
    const again = store.enqueue(request);
    expect(again.created).toBe(false);
    expect(again.job).toMatchObject({ id: job.id, state: 'queued', attempts: 0, error: null });

    store.cancel(job.id);
    expect(store.enqueue(request).job).toMatchObject({ id: job.id, state: 'queued', error: null });
  });

  it('lists newest first, filters by state and path, and pages', () => {
    fixture = createStore(directory());
    const { store, clock } = fixture;
    const ids: string[] = [];
    for (const name of ['Holiday.mp4', 'talk.mkv', 'holiday-2.mov', 'news.webm']) {
      ids.push(store.enqueue(newJob({ inputPath: `/videos/${name}` })).job.id);
      clock.now += 10;
    }
    store.cancel(ids[1]!);
    expect(store.list().map((job) => job.id)).toEqual([...ids].reverse());
    expect(store.list({ states: ['cancelled'] }).map((job) => job.id)).toEqual([ids[1]]);
    expect(store.list({ search: 'HOLIDAY' }).map((job) => job.id)).toEqual([ids[2], ids[0]]);
    expect(store.list({ limit: 2, offset: 1 }).map((job) => job.id)).toEqual([ids[2], ids[1]]);
    expect(store.count({ states: ['queued'] })).toBe(3);
    expect(store.count({ states: ['queued', 'cancelled'], search: 'holiday' })).toBe(2);
    expect(store.count({ states: [] })).toBe(0);
  });

  it('maps a row to the summary and details the interfaces show', () => {
    fixture = createStore(directory());
    const { store, clock } = fixture;
    const { job } = store.enqueue(newJob({ inputPath: '/videos/a.mp4' }));
    store.upsertStage(job.id, 'probe', { state: 'done', progress: 100, durationMs: 12 });
    store.replaceCues(job.id, [{ index: 0, startMs: 0, endMs: 900, sourceText: 'Hi', targetText: 'Hola', speedFactor: null, placedStartMs: null, placedEndMs: null, flag: null }]);
    const summary = store.toSummary(store.require(job.id));
    expect(summary).toEqual({
      id: job.id, input: '/videos/a.mp4', language: 'es', sourceLanguage: 'en', state: 'queued', priority: 0, progress: 0,
      attempts: 0, maxAttempts: 3, createdAt: new Date(clock.now).toISOString(), updatedAt: new Date(clock.now).toISOString(),
      startedAt: null, finishedAt: null, etaMs: null, error: null, outputs: {},
    });
    const details = store.toDetails(store.require(job.id));
    expect(details.cuesSynthesized).toBe(0);
    expect(details.cues).toHaveLength(1);
    expect(details.stages[0]).toMatchObject({ name: 'probe', state: 'done', ms: 12 });
  });
});
