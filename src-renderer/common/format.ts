// How the renderer writes times, durations and file names for a person. Pure functions, so the
// queue, the job detail and the preview all read the same and the tests pin the wording.
export { formatBytes } from '../../src-main/shared/format.js';

const pad = (value: number) => String(value).padStart(2, '0');

/** A clock reading: m:ss under an hour, h:mm:ss from an hour on. Negative input reads as 0:00. */
export function formatClock(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

/** Time left for a job. An unknown ETA is a dash rather than a made-up number. */
export function formatEta(etaMs: number | null): string {
  if (etaMs === null || !Number.isFinite(etaMs) || etaMs < 0) return '—';
  if (etaMs < 1000) return '< 0:01';
  // Round up: "0:00 left" while work remains would be a lie.
  return formatClock(Math.ceil(etaMs / 1000) * 1000);
}

/** How long a stage took: milliseconds when short, seconds with one decimal, then a clock. */
export function formatStageDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatClock(ms);
}

/** A media position in seconds (as <video> reports it) as m:ss.t, for the preview transport. */
export function formatMediaTime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '0:00.0';
  const tenths = Math.floor(seconds * 10) % 10;
  return `${formatClock(seconds * 1000)}.${tenths}`;
}

/** A cue time in integer milliseconds as m:ss.mmm. */
export function formatCueTime(ms: number): string {
  const millis = String(Math.max(0, Math.round(ms)) % 1000).padStart(3, '0');
  return `${formatClock(ms)}.${millis}`;
}

/** Progress 0–100 as a whole percentage, clamped: the store may briefly hold 100.4 from rounding. */
export function formatPercent(progress: number): string {
  const clamped = Math.min(100, Math.max(0, Number.isFinite(progress) ? progress : 0));
  return `${Math.floor(clamped)} %`;
}


/** The file name of a path written on any system (the core may run on Windows). */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

export function formatSpeedFactor(factor: number | null): string {
  return factor === null ? '—' : `×${factor.toFixed(2)}`;
}

export function formatDateTime(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleString();
}
