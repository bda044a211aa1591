import { beforeEach, describe, expect, it } from 'vitest';
import type { LogEntry, QueueStatus } from '../../../src-main/shared/contract.js';
import { applyEventBatch, loadAllJobs } from '../../../src-renderer/app/sync.js';
import type { RendererBridge } from '../../../src-renderer/bridge/choose-bridge.js';
import { useJobsStore } from '../../../src-renderer/stores/jobs-store.js';
import { mergeLogEntries, useLogsStore } from '../../../src-renderer/stores/logs-store.js';
import { useQueueStore } from '../../../src-renderer/stores/queue-store.js';
import { jobSummary } from '../../helpers/job-fixtures.js';

const entry = (id: number): LogEntry => ({ id, at: '2025-01-01T10:00:00.000Z', level: 'info', stage: 'probe', message: `line ${id}` });
const queue = (depth: number): QueueStatus => ({ paused: false, depth, counts: { queued: depth, running: 0, retry_wait: 0, done: 0, failed: 0, cancelled: 0 } });

describe('mergeLogEntries', () => {
  it('appends lines arriving in order', () => {
    expect(mergeLogEntries([entry(1), entry(2)], [entry(3)]).map((line) => line.id)).toEqual([1, 2, 3]);
  });

  it('merges an initial fetch that lands after live lines, without duplicates', () => {
    expect(mergeLogEntries([entry(4), entry(5)], [entry(1), entry(2), entry(3), entry(4)]).map((line) => line.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps only the newest lines past the limit', () => {
    expect(mergeLogEntries([entry(1), entry(2)], [entry(3), entry(4)], 3).map((line) => line.id)).toEqual([2, 3, 4]);
  });
});

describe('applyEventBatch', () => {
  beforeEach(() => {
    useJobsStore.setState({ byId: {}, removed: new Set(), selectedId: null });
    useLogsStore.setState({ jobId: null, entries: [] });
    useQueueStore.setState({ status: null });
  });

  it('sends job, log and queue events to their stores; log lines only for the open job', () => {
    const job = jobSummary({ id: 'open' });
    useLogsStore.getState().open('open');
    applyEventBatch([
      { type: 'job.updated', job },
      { type: 'job.log', jobId: 'open', entry: entry(1) },
      { type: 'job.log', jobId: 'other', entry: entry(2) },
      { type: 'queue.updated', queue: queue(1) },
      { type: 'queue.updated', queue: queue(2) },
    ]);
    expect(useJobsStore.getState().byId.open).toBe(job);
    expect(useLogsStore.getState().entries.map((line) => line.id)).toEqual([1]);
    expect(useQueueStore.getState().status?.depth).toBe(2);
  });
});

describe('loadAllJobs', () => {
  it('pages through the list until every job is loaded', async () => {
    const all = Array.from({ length: 2500 }, () => jobSummary());
    const offsets: number[] = [];
    const bridge = {
      api: {
        listJobs: async ({ limit = 100, offset = 0 } = {}) => {
          offsets.push(offset);
          return { total: all.length, jobs: all.slice(offset, offset + limit) };
        },
      },
    } as unknown as RendererBridge;
    const pages: number[] = [];
    const loaded = await loadAllJobs(bridge, (page) => pages.push(page.length));
    expect(loaded).toHaveLength(2500);
    expect(new Set(loaded.map((job) => job.id)).size).toBe(2500);
    // A small first page to fill the screen at once, then large pages.
    expect(offsets).toEqual([0, 100, 1100, 2100]);
    expect(pages).toEqual([100, 1000, 1000, 400]);
  });
});
