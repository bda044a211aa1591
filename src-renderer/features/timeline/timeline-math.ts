// The timeline's arithmetic, pure so its rules are pinned by tests: time ↔ pixels at a zoom, the
// zoom's bounds (the whole video down to about a second across the screen), the ruler's ticks,
// which cues are in view, and where a dragged edge snaps (neighbouring cues, video frames).

/** At the closest zoom, a second spans about a screen. */
export const maxPixelsPerSecond = 1000;

export function msToPx(ms: number, pixelsPerSecond: number): number {
  return (ms / 1000) * pixelsPerSecond;
}

export function pxToMs(px: number, pixelsPerSecond: number): number {
  return Math.round((px / pixelsPerSecond) * 1000);
}

/** The zoom that shows the whole video in `width` pixels: the farthest out one may go. */
export function fitPixelsPerSecond(durationMs: number, width: number): number {
  return Math.min(maxPixelsPerSecond, Math.max(1e-3, width / Math.max(1, durationMs / 1000)));
}

export function clampZoom(pixelsPerSecond: number, durationMs: number, width: number): number {
  return Math.min(maxPixelsPerSecond, Math.max(fitPixelsPerSecond(durationMs, width), pixelsPerSecond));
}

/** One zoom step in or out (+ and −, Ctrl+wheel). */
export function zoomStep(pixelsPerSecond: number, direction: 1 | -1): number {
  return pixelsPerSecond * (direction > 0 ? 1.5 : 1 / 1.5);
}

/** The scroll position that keeps `anchorMs` under the same pixel after a zoom change. */
export function scrollKeeping(anchorMs: number, anchorOffsetPx: number, pixelsPerSecond: number): number {
  return Math.max(0, msToPx(anchorMs, pixelsPerSecond) - anchorOffsetPx);
}

const tickSteps = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];

/** Ticks about every 100 px, on round times, over [startMs, endMs]. */
export function rulerTicks(startMs: number, endMs: number, pixelsPerSecond: number): { ms: number; major: boolean }[] {
  const wanted = pxToMs(100, pixelsPerSecond);
  const step = tickSteps.find((candidate) => candidate >= wanted) ?? tickSteps.at(-1)!;
  const ticks: { ms: number; major: boolean }[] = [];
  for (let ms = Math.floor(startMs / step) * step; ms <= endMs; ms += step) {
    if (ms >= 0) ticks.push({ ms, major: ms % (step * 5) === 0 });
  }
  return ticks;
}

/** Cues that reach into [fromMs, toMs]: the only ones the lanes draw. Cues are in start order. */
export function cuesInView<Cue extends { startMs: number; endMs: number }>(cues: readonly Cue[], fromMs: number, toMs: number): Cue[] {
  // Binary search for the first cue that starts after the window ends; everything before may reach in.
  let low = 0;
  let high = cues.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cues[middle]!.startMs <= toMs) low = middle + 1;
    else high = middle;
  }
  return cues.slice(0, low).filter((cue) => cue.endMs >= fromMs);
}

/**
 * Where a dragged edge lands: on a neighbouring cue's edge when within `thresholdMs` of one, else
 * on the nearest video frame; never before 0 or after the video's end.
 */
export function snapEdge(ms: number, neighbours: readonly number[], options: { thresholdMs: number; fps: number; durationMs: number }): number {
  const nearest = neighbours.reduce<number | null>((best, edge) => (Math.abs(edge - ms) <= options.thresholdMs && (best === null || Math.abs(edge - ms) < Math.abs(best - ms)) ? edge : best), null);
  const snapped = nearest ?? (options.fps > 0 ? Math.round((Math.round((ms / 1000) * options.fps) / options.fps) * 1000) : Math.round(ms));
  return Math.max(0, Math.min(options.durationMs, snapped));
}

/** How a cue's fitted speech is coloured: plain up to 1.1×, a warning up to the bound, flagged past it. */
export function speedTone(speedFactor: number | null, flag: string | null): 'plain' | 'warning' | 'flagged' | 'unknown' {
  if (flag === 'overflow') return 'flagged';
  if (speedFactor === null) return 'unknown';
  return speedFactor <= 1.1 ? 'plain' : 'warning';
}
