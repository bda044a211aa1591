// Owns what the stats mean: the window ending now, the shares of finished jobs, the throughput in
// minutes of video per hour, and the stages in the pipeline's order (then any others on record,
// by name), from the store's reads.
import type { Stats } from '../../shared/contract.js';
import type { Store } from '../store/store.js';

const hourMs = 3_600_000;

export function statsView(store: Store, windowHours: number, nowMs: number, stageOrder: readonly string[]): Stats {
  const fromMs = nowMs - Math.round(windowHours * hourMs);
  const figures = store.stats.window(fromMs, nowMs);
  const { done, failed, cancelled } = figures.finished;
  const finished = done + failed + cancelled;
  const known = stageOrder.filter((name) => figures.stages.has(name));
  const others = [...figures.stages.keys()].filter((name) => !stageOrder.includes(name)).sort();
  return {
    windowHours,
    from: new Date(fromMs).toISOString(),
    to: new Date(nowMs).toISOString(),
    jobs: {
      byState: store.stats.countsByState(),
      finished, done, failed, cancelled,
      successRate: finished > 0 ? done / finished : null,
      failureRate: finished > 0 ? failed / finished : null,
    },
    durations: {
      job: figures.job,
      stages: Object.fromEntries([...known, ...others].map((name) => [name, figures.stages.get(name)!])),
    },
    mediaMinutesPerHour: figures.mediaMs / 60_000 / windowHours,
    cache: { stageRuns: figures.stageRuns, reused: figures.reused, hitRate: figures.stageRuns > 0 ? figures.reused / figures.stageRuns : null },
  };
}
