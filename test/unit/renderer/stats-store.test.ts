import { beforeEach, describe, expect, it } from 'vitest';
import type { Stats, StatsQuery } from '../../../src-main/shared/contract.js';
import { durationRows, formatMinutesPerHour, formatShare } from '../../../src-renderer/features/stats/stats-format.js';
import { loadStats, useStatsStore } from '../../../src-renderer/stores/stats-store.js';

function stats(windowHours: number): Stats {
  return {
    windowHours, from: '2024-01-01T00:00:00.000Z', to: '2024-01-02T00:00:00.000Z',
    jobs: { byState: { queued: 0, running: 0, retry_wait: 0, done: 1, failed: 0, cancelled: 0 }, finished: 1, done: 1, failed: 0, cancelled: 0, successRate: 1, failureRate: 0 },
    durations: { job: { count: 1, medianMs: 9000, p95Ms: 9000 }, stages: { probe: { count: 1, medianMs: 40, p95Ms: 40 }, mux: { count: 1, medianMs: 800, p95Ms: 800 } } },
    mediaMinutesPerHour: 0.5,
    cache: { stageRuns: 2, reused: 0, hitRate: 0 },
  };
}

/** A getStats whose replies the test releases by hand, in any order. */
function heldApi() {
  const pending: { query: StatsQuery | undefined; release(): void; fail(error: unknown): void }[] = [];
  const api = {
    getStats: (query?: StatsQuery) =>
      new Promise<Stats>((resolve, reject) => {
        pending.push({ query, release: () => resolve(stats(query?.windowHours ?? 24)), fail: reject });
      }),
  };
  return { api, pending };
}

describe('the stats store', () => {
  beforeEach(() => useStatsStore.setState({ windowHours: 24, stats: null, loading: false, loadError: null }));

  it('keeps only the newest answer when a slow reply for the old window lands last', async () => {
    const { api, pending } = heldApi();
    const day = loadStats(api);
    const month = loadStats(api, 720);
    expect(useStatsStore.getState()).toMatchObject({ windowHours: 720, loading: true, stats: null });
    pending[1]!.release();
    await month;
    pending[0]!.release();
    await day;
    expect(useStatsStore.getState()).toMatchObject({ windowHours: 720, loading: false, stats: { windowHours: 720 } });
    expect(pending.map((call) => call.query)).toEqual([{ windowHours: 24 }, { windowHours: 720 }]);
  });

  it('keeps the last figures while the same window reloads, and the error when the reload fails', async () => {
    const { api, pending } = heldApi();
    const first = loadStats(api);
    pending[0]!.release();
    await first;
    const again = loadStats(api);
    expect(useStatsStore.getState()).toMatchObject({ loading: true, stats: { windowHours: 24 } });
    pending[1]!.fail({ code: 'E_UNAUTHORIZED', message: 'No token.', action: 'Open the URL with the token.' });
    await again;
    expect(useStatsStore.getState()).toMatchObject({ loading: false, stats: { windowHours: 24 }, loadError: { code: 'E_UNAUTHORIZED', action: 'Open the URL with the token.' } });
  });
});

describe('stats wording', () => {
  it('writes shares as percentages, none as a dash', () => {
    expect([formatShare(null), formatShare(0), formatShare(2 / 3), formatShare(1)]).toEqual(['—', '0 %', '66.7 %', '100 %']);
  });

  it('writes video per hour with two decimals below one minute', () => {
    expect([formatMinutesPerHour(0), formatMinutesPerHour(0.0952), formatMinutesPerHour(12.34)]).toEqual(['0 min/h', '0.1 min/h', '12.3 min/h']);
    expect(formatMinutesPerHour(0.25)).toBe('0.25 min/h');
  });

  it('lists the whole job first, then the stages in the order the core gave them', () => {
    expect(durationRows(stats(24)).map((row) => [row.key, row.label, row.medianMs])).toEqual([
      ['job', 'Whole job', 9000],
      ['stage-probe', 'probe', 40],
      ['stage-mux', 'mux', 800],
    ]);
  });
});
