import { afterEach, describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { RedubError } from '../../../src-main/shared/errors.js';
import { createStore, newJob, type StoreFixture } from './store-fixture.js';
import { toDetails, toSummary } from '../../../src-main/core/queue/job-mapper.js';
import { dubStageNames } from '../../../src-main/core/pipeline/stage-registry.js';

describe('Store enqueue and listing', () => {
  const directory = useTemporaryDirectory();
  let fixture: StoreFixture;
  afterEach(() => fixture.close());

  it('creates a queued job with defaults and parsed options', () => {
    fixture = createStore(directory());
    const { job, created } = fixture.store.jobs.enqueue(newJob({ options: { voice: 'es+f3', speed: 1.2 } }));
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
    const first = store.jobs.enqueue(request).job;
    expect(store.jobs.enqueue(request)).toEqual({ job: first, created: false });

    const running = store.jobs.claimNext('a', 1000)!;
    expect(store.jobs.enqueue(request)).toEqual({ job: running, created: false });
    store.jobs.complete(running.id, running.allocationId!, { video: '/out.mp4' });
    const done = store.jobs.require(running.id);
    expect(store.jobs.enqueue(request)).toEqual({ job: done, created: false });
    expect(store.jobs.count()).toBe(1);
  });

  it('starts a failed or cancelled job again when its key is enqueued again', () => {
    fixture = createStore(directory());
    const { store } = fixture;
    const request = newJob();
    const { job } = store.jobs.enqueue(request);
    const claimed = store.jobs.claimNext('a', 1000)!;
    store.jobs.fail(claimed.id, claimed.allocationId!, new RedubError('E_NOT_MEDIA').toData(), { retryable: false });
    const again = store.jobs.enqueue(request);
    expect(again.created).toBe(false);
    expect(again.job).toMatchObject({ id: job.id, state: 'queued', attempts: 0, error: null });

    store.jobs.cancel(job.id);
    expect(store.jobs.enqueue(request).job).toMatchObject({ id: job.id, state: 'queued', error: null });
  });

  it('lists newest first, filters by state and path, and pages', () => {
    fixture = createStore(directory());
    const { store, clock } = fixture;
    const ids: string[] = [];
    for (const name of ['Holiday.mp4', 'talk.mkv', 'holiday-2.mov', 'news.webm']) {
      ids.push(store.jobs.enqueue(newJob({ inputPath: `/videos/${name}` })).job.id);
      clock.now += 10;
    }
    store.jobs.cancel(ids[1]!);
    expect(store.jobs.list().map((job) => job.id)).toEqual([...ids].reverse());
    expect(store.jobs.list({ states: ['cancelled'] }).map((job) => job.id)).toEqual([ids[1]]);
    expect(store.jobs.list({ search: 'HOLIDAY' }).map((job) => job.id)).toEqual([ids[2], ids[0]]);
    expect(store.jobs.list({ limit: 2, offset: 1 }).map((job) => job.id)).toEqual([ids[2], ids[1]]);
    expect(store.jobs.count({ states: ['queued'] })).toBe(3);
    expect(store.jobs.count({ states: ['queued', 'cancelled'], search: 'holiday' })).toBe(2);
    expect(store.jobs.count({ states: [] })).toBe(0);
  });

  it('maps a row to the summary and details the interfaces show', () => {
    fixture = createStore(directory());
    const { store, clock } = fixture;
    const { job } = store.jobs.enqueue(newJob({ inputPath: '/videos/a.mp4' }));
    store.stages.upsert(job.id, 'probe', { state: 'done', progress: 100, durationMs: 12 });
    store.cues.replace(job.id, [{ index: 0, startMs: 0, endMs: 900, sourceText: 'Hi', targetText: 'Hola', speedFactor: null, placedStartMs: null, placedEndMs: null, flag: null }]);
    const summary = toSummary(store.jobs.require(job.id));
    expect(summary).toEqual({
      id: job.id, input: '/videos/a.mp4', language: 'es', sourceLanguage: 'en', state: 'queued', priority: 0, progress: 0,
      attempts: 0, maxAttempts: 3, createdAt: new Date(clock.now).toISOString(), updatedAt: new Date(clock.now).toISOString(),
      startedAt: null, finishedAt: null, etaMs: null, error: null, outputs: {},
    });
    const details = toDetails(store.jobs.require(job.id), { stages: store.stages.list(job.id, dubStageNames), cues: store.cues.list(job.id) });
    expect(details.cuesSynthesized).toBe(0);
    expect(details.cues).toHaveLength(1);
    expect(details.stages.find((stage) => stage.name === 'probe')).toMatchObject({ name: 'probe', state: 'done', ms: 12 });
  });
});
