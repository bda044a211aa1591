import { describe, expect, it } from 'vitest';
import { resample } from '../../../src-main/core/engines/audio/resample.js';
import { sine, zeroCrossings } from './audio-helpers.js';

describe('resample', () => {
  it('converts 22 050 Hz to 48 000 Hz with the exact length and the same pitch', async () => {
    const input = sine(440, 2, 22_050);
    const output = await resample(input, 22_050, 48_000);
    expect(output.length).toBe(Math.round((input.length * 48_000) / 22_050));
    expect(Math.abs(zeroCrossings(output) - zeroCrossings(input))).toBeLessThanOrEqual(2);
    // Away from the edges the result is the same sine, sampled at the new rate. The filter's delay
    // is compensated to the nearest output sample, so allow a shift of at most half a sample.
    const worstAt = (shift: number) => {
      let worst = 0;
      for (let index = 2000; index < output.length - 2000; index++) {
        worst = Math.max(worst, Math.abs(output[index]! - 0.5 * Math.sin((2 * Math.PI * 440 * (index + shift)) / 48_000)));
      }
      return worst;
    };
    const shifts = Array.from({ length: 101 }, (_, step) => -0.5 + step * 0.01);
    expect(Math.min(...shifts.map(worstAt))).toBeLessThan(1e-3);
  });

  it('keeps the tail of long inputs, which the library streams in chunks', async () => {
    const input = sine(1000, 70, 16_000);
    const output = await resample(input, 16_000, 48_000);
    expect(output.length).toBe(input.length * 3);
    const last = output.subarray(output.length - 4800 - 2000, output.length - 2000);
    expect(zeroCrossings(last)).toBeGreaterThanOrEqual(199);
  });

  it('returns a copy when the rates match', async () => {
    const input = sine(440, 0.1, 48_000);
    const output = await resample(input, 48_000, 48_000);
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
  });

  it('handles empty input', async () => {
    expect((await resample(new Float32Array(0), 22_050, 48_000)).length).toBe(0);
  });
});
