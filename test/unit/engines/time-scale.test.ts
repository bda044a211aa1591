import { describe, expect, it } from 'vitest';
import { timeScale } from '../../../src-main/core/engines/fit/time-scale.js';
import { rms, sine, zeroCrossings } from './audio-helpers.js';

describe('timeScale', () => {
  // Longer than one 16 384-frame chunk, so chunking is exercised too.
  const input = sine(220, 3, 22_050, 0.4);

  for (const speed of [1, 1.2, 1.35]) {
    it(`lasts input / ${speed} at speed ${speed}`, async () => {
      const output = await timeScale(input, 22_050, speed);
      expect(Math.abs(output.length - input.length / speed) / (input.length / speed)).toBeLessThan(0.01);
    });
  }

  it('keeps the pitch and level when speeding up', async () => {
    const output = await timeScale(input, 22_050, 1.3);
    const seconds = output.length / 22_050;
    expect(zeroCrossings(output) / seconds).toBeCloseTo(440, -1);
    expect(rms(output)).toBeGreaterThan(0.25);
  });

  it('copies at speed 1', async () => {
    const output = await timeScale(input, 22_050, 1);
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
  });

  it('rejects a speed that is not positive', async () => {
    await expect(timeScale(input, 22_050, 0)).rejects.toMatchObject({ code: 'E_INTERNAL' });
  });
});
