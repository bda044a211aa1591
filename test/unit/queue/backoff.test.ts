import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../../src-main/core/queue/backoff.js';

const middle = () => 0.5;

describe('retryDelayMs', () => {
  it('is exp(attempt) seconds with the jitter at its midpoint', () => {
    expect(retryDelayMs(1, { random: middle })).toBe(Math.round(Math.exp(1) * 1000));
    expect(retryDelayMs(3, { random: middle })).toBe(Math.round(Math.exp(3) * 1000));
  });

  it('grows exponentially: each attempt waits e times longer than the one before', () => {
    for (let attempt = 1; attempt < 10; attempt++) {
      const ratio = retryDelayMs(attempt + 1, { random: middle, baseMs: 1000 }) / retryDelayMs(attempt, { random: middle, baseMs: 1000 });
      expect(ratio).toBeCloseTo(Math.E, 2);
    }
  });

  it('stops growing at attempt 10', () => {
    const capped = retryDelayMs(10, { random: middle });
    expect(retryDelayMs(11, { random: middle })).toBe(capped);
    expect(retryDelayMs(50, { random: middle })).toBe(capped);
    expect(capped).toBe(Math.round(Math.exp(10) * 1000));
  });

  it('scales with baseMs', () => {
    expect(retryDelayMs(2, { random: middle, baseMs: 10 })).toBe(Math.round(Math.exp(2) * 10));
  });

  it('keeps jitter within [0.5, 1.5) of the nominal delay', () => {
    const nominal = Math.exp(4) * 1000;
    expect(retryDelayMs(4, { random: () => 0 })).toBe(Math.round(nominal * 0.5));
    expect(retryDelayMs(4, { random: () => 0.999999 })).toBeLessThanOrEqual(Math.round(nominal * 1.5));
    for (let sample = 0; sample < 200; sample++) {
      const delay = retryDelayMs(4);
      expect(delay).toBeGreaterThanOrEqual(Math.round(nominal * 0.5));
      expect(delay).toBeLessThanOrEqual(Math.round(nominal * 1.5));
    }
  });

  it('treats attempt 0 or less as attempt 0', () => {
    expect(retryDelayMs(0, { random: middle })).toBe(1000);
    expect(retryDelayMs(-3, { random: middle })).toBe(1000);
  });
});
