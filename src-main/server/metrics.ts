// Owns the Prometheus view of the queue (GET /metrics): jobs per state and the queue depth, read
// from the store at scrape time, and how long each stage took, fed from the stages of jobs as
// they finish. Its own Registry, so nothing else in the process leaks into the output.
import { Gauge, Histogram, Registry } from 'prom-client';
import type { QueueStatus, RedubEvent } from '../shared/contract.js';
import { isTerminalJobState, jobStates, type StageRecord } from '../shared/jobs.js';

export interface MetricsSource {
  queueStatus(): Promise<QueueStatus>;
  onEvent(listener: (event: RedubEvent) => void): () => void;
  /** The stage records of a job, to time its stages once it has finished. */
  jobStages(jobId: string): StageRecord[];
}

export interface ServerMetrics {
  contentType: string;
  render(): Promise<string>;
  close(): void;
}

/** From a reused cache hit (milliseconds) to a long video's synthesis (tens of minutes). */
const stageBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export function createMetrics(source: MetricsSource): ServerMetrics {
  const registry = new Registry();
  let status: QueueStatus | null = null;
  const refresh = async () => {
    status = await source.queueStatus();
  };
  new Gauge({
    name: 'redub_jobs',
    help: 'Jobs in the store, by state.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      await refresh();
      for (const state of jobStates) this.set({ state }, status?.counts[state] ?? 0);
    },
  });
  new Gauge({
    name: 'redub_queue_depth',
    help: 'Jobs waiting to run: queued plus waiting to retry.',
    registers: [registry],
    collect() {
      this.set(status?.depth ?? 0);
    },
  });
  new Gauge({
    name: 'redub_queue_paused',
    help: '1 while the queue is paused, else 0.',
    registers: [registry],
    collect() {
      this.set(status?.paused ? 1 : 0);
    },
  });
  const stageSeconds = new Histogram({
    name: 'redub_stage_duration_seconds',
    help: 'How long each pipeline stage took, for stages of jobs that finished while this server ran.',
    labelNames: ['stage', 'reused'] as const,
    buckets: stageBuckets,
    registers: [registry],
  });

  // A job is timed once per finish: a retried job finishes again, with a new finish time.
  const timed = new Set<string>();
  const unsubscribe = source.onEvent((event) => {
    if (event.type !== 'job.updated' || !isTerminalJobState(event.job.state) || !event.job.finishedAt) return;
    const key = `${event.job.id}@${event.job.finishedAt}`;
    if (timed.has(key)) return;
    timed.add(key);
    // Only recent finishes can repeat; the set forgets the oldest so a long-running server stays small.
    if (timed.size > 10_000) timed.delete(timed.values().next().value!);
    for (const stage of source.jobStages(event.job.id)) {
      if (stage.state === 'done' && stage.ms !== null) stageSeconds.observe({ stage: stage.name, reused: String(stage.reused) }, stage.ms / 1000);
    }
  });

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    close: () => {
      unsubscribe();
      registry.clear();
    },
  };
}
