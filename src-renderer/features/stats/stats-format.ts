// How the Stats page writes its figures: shares as percentages, throughput as minutes per hour,
// and the rows of the duration table, the whole job first and then each stage in the core's order.
import type { DurationFigures, Stats } from '../../../src-main/shared/contract.js';

/** A share 0…1 as a percentage with at most one decimal; none (no finished job) is a dash. */
export function formatShare(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return '—';
  return `${Number((share * 100).toFixed(1))} %`;
}

/** Minutes of video per hour: one decimal, two below 1 so a quiet month does not read as 0. */
export function formatMinutesPerHour(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes <= 0) return '0 min/h';
  return `${Number(minutes.toFixed(minutes < 1 ? 2 : 1))} min/h`;
}

export interface DurationRow extends DurationFigures {
  key: string;
  label: string;
}

export function durationRows(stats: Stats): DurationRow[] {
  return [
    { key: 'job', label: 'Whole job', ...stats.durations.job },
    ...Object.entries(stats.durations.stages).map(([name, figures]) => ({ key: `stage-${name}`, label: name, ...figures })),
  ];
}
