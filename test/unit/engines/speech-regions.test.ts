import { describe, expect, it } from 'vitest';
import { speechRegionsFromProbabilities } from '../../../src-main/core/engines/vad/speech-regions.js';

// 512-sample windows at 16 kHz are 32 ms each.
const regions = (probabilities: number[], options = {}) => speechRegionsFromProbabilities(probabilities, 512, 16_000, probabilities.length * 512, options);
const repeat = (value: number, count: number) => new Array<number>(count).fill(value);

describe('speechRegionsFromProbabilities', () => {
  it('opens at the threshold and closes after enough silence', () => {
    const found = regions([...repeat(0, 10), ...repeat(0.9, 20), ...repeat(0, 20)], { padMs: 0 });
    expect(found).toEqual([{ startMs: 320, endMs: 960 }]);
  });

  it('keeps a region open through dips that stay above threshold − 0.15 (hysteresis)', () => {
    const found = regions([...repeat(0.9, 10), ...repeat(0.4, 15), ...repeat(0.9, 10), ...repeat(0, 20)], { padMs: 0 });
    expect(found).toEqual([{ startMs: 0, endMs: 1120 }]);
  });

  it('keeps a region open through silences shorter than minSilenceMs', () => {
    const found = regions([...repeat(0.9, 10), ...repeat(0, 5), ...repeat(0.9, 10), ...repeat(0, 20)], { padMs: 0, minSilenceMs: 300 });
    expect(found).toHaveLength(1);
  });

  it('drops blips shorter than minSpeechMs', () => {
    expect(regions([...repeat(0, 10), ...repeat(0.9, 3), ...repeat(0, 20)], { padMs: 0 })).toEqual([]);
  });

  it('closes a region still open at the end of the audio', () => {
    expect(regions([...repeat(0, 10), ...repeat(0.9, 20)], { padMs: 0 })).toEqual([{ startMs: 320, endMs: 960 }]);
  });

  it('pads regions, clamped to the audio and split where pads would meet', () => {
    const found = regions([...repeat(0.9, 10), ...repeat(0, 12), ...repeat(0.9, 10), ...repeat(0, 20)], { padMs: 200, minSilenceMs: 300 });
    expect(found[0]!.startMs).toBe(0);
    // The 384 ms gap is less than two pads, so the regions meet in its middle.
    expect(found[0]!.endMs).toBe(found[1]!.startMs);
    expect(found[1]!.endMs).toBe(1024 + 200);
  });
});
