import { describe, expect, it } from 'vitest';
import { quietestMoment, speechWindows } from '../../../src-main/core/engines/asr/speech-windows.js';

const nowhereQuiet = () => -1;

describe('speechWindows', () => {
  it('packs whole speech regions into windows of at most 30 s, padded, ending in the silence after a region', () => {
    const regions = [
      { startMs: 1_000, endMs: 9_000 },
      { startMs: 10_000, endMs: 25_000 },
      { startMs: 27_000, endMs: 40_000 },
      { startMs: 41_000, endMs: 45_000 },
    ];
    const windows = speechWindows(regions, 60_000, nowhereQuiet);
    expect(windows).toEqual([
      { startMs: 800, endMs: 25_200 },
      { startMs: 26_800, endMs: 45_200 },
    ]);
    for (const window of windows) expect(window.endMs - window.startMs).toBeLessThanOrEqual(30_000);
    // No region is cut: each lies inside one window.
    for (const region of regions) expect(windows.some((window) => window.startMs <= region.startMs && region.endMs <= window.endMs)).toBe(true);
  });

  it('splits a region longer than a window at the quietest moment of its last stretch', () => {
    const asked: [number, number][] = [];
    const windows = speechWindows([{ startMs: 0, endMs: 70_000 }], 70_000, (startMs, endMs) => {
      asked.push([startMs, endMs]);
      return endMs - 3_000;
    });
    expect(asked[0]).toEqual([22_000, 30_000]);
    expect(windows).toEqual([
      { startMs: 0, endMs: 27_000 },
      { startMs: 27_000, endMs: 54_000 },
      { startMs: 54_000, endMs: 70_000 },
    ]);
  });

  it('keeps padding inside the audio, never overlaps windows, and gives nothing for no speech', () => {
    expect(speechWindows([], 10_000, nowhereQuiet)).toEqual([]);
    const windows = speechWindows([{ startMs: 50, endMs: 29_900 }, { startMs: 29_950, endMs: 31_000 }], 31_100, nowhereQuiet);
    expect(windows[0]!.startMs).toBe(0);
    expect(windows.at(-1)!.endMs).toBe(31_100);
    for (let index = 1; index < windows.length; index++) expect(windows[index]!.startMs).toBeGreaterThanOrEqual(windows[index - 1]!.endMs);
  });
});

describe('quietestMoment', () => {
  it('finds the silent 20 ms frame in loud audio', () => {
    const rate = 16_000;
    const samples = new Float32Array(rate * 2).map((_, index) => Math.sin(index / 3) * 0.5);
    samples.fill(0, Math.round(rate * 1.3), Math.round(rate * 1.3) + 640);
    expect(quietestMoment(samples, rate, 1_000, 2_000)).toBeCloseTo(1_300, -1);
  });
});
