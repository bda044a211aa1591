import { describe, expect, it } from 'vitest';
import { clampZoom, cuesInView, fitPixelsPerSecond, maxPixelsPerSecond, msToPx, pxToMs, rulerTicks, scrollKeeping, snapEdge, speedTone, zoomStep } from '../../../src-renderer/features/timeline/timeline-math.js';

const cue = (startMs: number, endMs: number) => ({ startMs, endMs });

describe('the timeline’s arithmetic', () => {
  it('turns time into pixels and back at any zoom', () => {
    expect(msToPx(1500, 100)).toBe(150);
    expect(pxToMs(150, 100)).toBe(1500);
    for (const pixelsPerSecond of [0.3, 1, 44.6, 1000]) expect(pxToMs(msToPx(123_456, pixelsPerSecond), pixelsPerSecond)).toBe(123_456);
  });

  it('zooms from the whole video down to about a second across the screen, and no further', () => {
    const hour = 3_600_000;
    const whole = fitPixelsPerSecond(hour, 1200);
    expect(msToPx(hour, whole)).toBeCloseTo(1200, 6);
    expect(clampZoom(whole / 4, hour, 1200)).toBe(whole);
    expect(clampZoom(maxPixelsPerSecond * 3, hour, 1200)).toBe(maxPixelsPerSecond);
    expect(pxToMs(1200, maxPixelsPerSecond)).toBeLessThanOrEqual(1500);
    // A video shorter than the screen still cannot be zoomed past the closest zoom.
    expect(fitPixelsPerSecond(500, 1200)).toBe(maxPixelsPerSecond);
    // In and out again is where it started.
    expect(zoomStep(zoomStep(80, 1), -1)).toBeCloseTo(80, 9);
  });

  it('keeps the time under the pointer in place when zooming', () => {
    const anchorMs = 42_000;
    const offset = 300;
    for (const pixelsPerSecond of [10, 15, 22.5]) {
      const scroll = scrollKeeping(anchorMs, offset, pixelsPerSecond);
      expect(pxToMs(scroll + offset, pixelsPerSecond)).toBe(anchorMs);
    }
    expect(scrollKeeping(1000, 500, 100)).toBe(0);
  });

  it('puts ruler ticks on round times about every 100 px, with every fifth one labelled', () => {
    const ticks = rulerTicks(0, 10_000, 100);
    expect(ticks.map((tick) => tick.ms)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000]);
    expect(ticks.filter((tick) => tick.major).map((tick) => tick.ms)).toEqual([0, 5000, 10_000]);
    const far = rulerTicks(0, 3_600_000, 1200 / 3600);
    expect(far.length).toBeGreaterThan(5);
    expect(far.length).toBeLessThan(40);
    expect(rulerTicks(-5000, 300, 1000).every((tick) => tick.ms >= 0)).toBe(true);
  });

  it('draws only the cues that reach into the view, including a long one that starts before it', () => {
    const cues = [cue(0, 1000), cue(500, 20_000), cue(2000, 3000), cue(4000, 5000), cue(9000, 9500)];
    expect(cuesInView(cues, 3500, 6000)).toEqual([cue(500, 20_000), cue(4000, 5000)]);
    expect(cuesInView(cues, 0, 100)).toEqual([cue(0, 1000)]);
    expect(cuesInView(cues, 30_000, 40_000)).toEqual([]);
    expect(cuesInView([], 0, 1000)).toEqual([]);
  });

  it('snaps a dragged edge to a neighbour within the threshold, otherwise to a frame, inside the video', () => {
    const options = { thresholdMs: 80, fps: 25, durationMs: 10_000 };
    expect(snapEdge(2950, [3000, 6000], options)).toBe(3000);
    expect(snapEdge(3070, [3000, 3100], options)).toBe(3100);
    expect(snapEdge(4017, [3000], options)).toBe(4000);
    expect(snapEdge(4021, [3000], options)).toBe(4040);
    expect(snapEdge(-300, [], options)).toBe(0);
    expect(snapEdge(12_000, [], options)).toBe(10_000);
    expect(snapEdge(1234, [], { ...options, fps: 0 })).toBe(1234);
  });

  it('colours speech plain up to 1.1×, as a warning above it, and flags an overflow', () => {
    expect(speedTone(1.05, null)).toBe('plain');
    expect(speedTone(1.1, null)).toBe('plain');
    expect(speedTone(1.2, null)).toBe('warning');
    expect(speedTone(1.25, 'overflow')).toBe('flagged');
    expect(speedTone(null, null)).toBe('unknown');
  });
});
