import { afterEach, describe, expect, it } from 'vitest';
import { statsView } from '../../../src-main/core/service/stats-view.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { seedJobs, statsFixture } from '../../helpers/stats-seed.js';
import { createStore, type StoreFixture } from '../queue/store-fixture.js';

const now = 1_700_000_000_000;
const order = ['probe', 'separate', 'transcribe', 'synthesize'];

describe('stats over a window', () => {
  const directory = useTemporaryDirectory();
  let fixture: StoreFixture;
  afterEach(() => fixture.close());

  function seeded() {
    fixture = createStore(directory());
    seedJobs(fixture.db, statsFixture(now));
    return fixture.store;
  }

  it('counts the last 24 hours: outcomes, nearest-rank durations, video per hour and cache hits', () => {
    const stats = statsView(seeded(), 24, now, order);
    expect(stats.windowHours).toBe(24);
    expect(stats.from).toBe(new Date(now - 86_400_000).toISOString());
    expect(stats.to).toBe(new Date(now).toISOString());
    expect(stats.jobs).toEqual({
      byState: { queued: 1, running: 1, retry_wait: 1, done: 5, failed: 1, cancelled: 1 },
      finished: 6, done: 4, failed: 1, cancelled: 1, successRate: 4 / 6, failureRate: 1 / 6,
    });
    // Done jobs of 30, 60, 120 and 300 s: the 2nd and the 4th (⌈0.95·4⌉) values.
    expect(stats.durations.job).toEqual({ count: 4, medianMs: 60_000, p95Ms: 300_000 });
    // Only stages that ran: reused, skipped, failed and still-running ones are not timed; the job
    // outside the window (probe 99,999 ms) is not either. Pipeline order first, then the rest.
    expect(Object.keys(stats.durations.stages)).toEqual(['probe', 'transcribe', 'synthesize', 'legacy']);
    expect(stats.durations.stages).toEqual({
      probe: { count: 4, medianMs: 2000, p95Ms: 4000 },
      transcribe: { count: 2, medianMs: 20_000, p95Ms: 40_000 },
      synthesize: { count: 2, medianMs: 50_000, p95Ms: 70_000 },
      legacy: { count: 1, medianMs: 500, p95Ms: 500 },
    });
    // 2 + 3 + 1 minutes of video (the job without a probe result adds none; the failed one is not dubbed).
    expect(stats.mediaMinutesPerHour).toBe(6 / 24);
    // Done stages of the six finished jobs: a 3 + b 4 + c 3 + d 1 + e 1, of which three were reused.
    expect(stats.cache).toEqual({ stageRuns: 12, reused: 3, hitRate: 3 / 12 });
  });

  it('widens to 7 days, taking in the job that finished 30 hours ago', () => {
    const stats = statsView(seeded(), 24 * 7, now, order);
    expect(stats.jobs).toMatchObject({ finished: 7, done: 5, successRate: 5 / 7, failureRate: 1 / 7 });
    // 30, 60, 120, 300, 1000 s: the 3rd (⌈2.5⌉) and the 5th (⌈4.75⌉).
    expect(stats.durations.job).toEqual({ count: 5, medianMs: 120_000, p95Ms: 1_000_000 });
    expect(stats.durations.stages.probe).toEqual({ count: 5, medianMs: 3000, p95Ms: 99_999 });
    expect(stats.mediaMinutesPerHour).toBe(16 / 168);
    expect(stats.cache).toEqual({ stageRuns: 13, reused: 3, hitRate: 3 / 13 });
  });

  it('narrows to a short window that holds no finished job: nulls, not zeros dressed as rates', () => {
    const stats = statsView(seeded(), 0.5, now, order);
    expect(stats.jobs).toMatchObject({ finished: 0, done: 0, failed: 0, cancelled: 0, successRate: null, failureRate: null });
    expect(stats.jobs.byState.done).toBe(5);
    expect(stats.durations).toEqual({ job: { count: 0, medianMs: null, p95Ms: null }, stages: {} });
    expect(stats.mediaMinutesPerHour).toBe(0);
    expect(stats.cache).toEqual({ stageRuns: 0, reused: 0, hitRate: null });
  });

  it('reads a fresh store as all zeros', () => {
    fixture = createStore(directory());
    const stats = statsView(fixture.store, 24, now, order);
    expect(stats.jobs.byState).toEqual({ queued: 0, running: 0, retry_wait: 0, done: 0, failed: 0, cancelled: 0 });
    expect(stats.jobs.successRate).toBeNull();
  });
});
