import { describe, expect, it } from 'vitest';
import { planCueFit } from '../../../src-main/core/engines/fit/fit-plan.js';

const timeline = { timelineEndMs: 60_000 };

describe('planCueFit', () => {
  it('plays speech that fits its slot at normal speed, in place', () => {
    const [fit] = planCueFit([{ index: 0, startMs: 1000, endMs: 3000, speechMs: 1500 }], timeline);
    expect(fit).toEqual({ index: 0, speedFactor: 1, placedStartMs: 1000, placedEndMs: 2500, borrowedMs: 0, flag: null });
  });

  it('borrows following silence before speeding up', () => {
    const fits = planCueFit([
      { index: 0, startMs: 1000, endMs: 3000, speechMs: 2600 },
      { index: 1, startMs: 5000, endMs: 6000, speechMs: 500 },
    ], timeline);
    expect(fits[0]).toEqual({ index: 0, speedFactor: 1, placedStartMs: 1000, placedEndMs: 3600, borrowedMs: 600, flag: null });
  });

  it('speeds up within the bound once the borrowed silence is not enough', () => {
    const fits = planCueFit([
      { index: 0, startMs: 0, endMs: 2000, speechMs: 3000 },
      { index: 1, startMs: 2600, endMs: 4000, speechMs: 500 },
    ], timeline);
    // Extended slot: 0 → 2500 (next start 2600 − 100 gap); 3000 / 2500 = 1.2.
    expect(fits[0]).toEqual({ index: 0, speedFactor: 1.2, placedStartMs: 0, placedEndMs: 2500, borrowedMs: 500, flag: null });
  });

  it('rounds the speed up to 3 decimals so the speech still ends inside the slot', () => {
    const [fit] = planCueFit([{ index: 0, startMs: 0, endMs: 3000, speechMs: 3500 }], { timelineEndMs: 3000 });
    expect(fit!.speedFactor).toBe(1.167);
    expect(fit!.placedEndMs).toBeLessThanOrEqual(3000);
  });

  it('flags an overflowing cue at the bound and cuts it at its extended slot', () => {
    const fits = planCueFit([
      { index: 0, startMs: 0, endMs: 2000, speechMs: 5000 },
      { index: 1, startMs: 2600, endMs: 4000, speechMs: 500 },
    ], { ...timeline, maxSpeed: 1.35 });
    expect(fits[0]).toEqual({ index: 0, speedFactor: 1.35, placedStartMs: 0, placedEndMs: 2500, borrowedMs: 500, flag: 'overflow' });
  });

  it('never slows speech below normal speed', () => {
    const fits = planCueFit([{ index: 0, startMs: 0, endMs: 10_000, speechMs: 100 }], { ...timeline, maxSpeed: 0.5 });
    expect(fits[0]!.speedFactor).toBe(1);
    expect(fits.every((fit) => fit.speedFactor >= 1)).toBe(true);
  });

  it('keeps the minimum gap before the next cue', () => {
    const fits = planCueFit([
      { index: 0, startMs: 0, endMs: 1000, speechMs: 1900 },
      { index: 1, startMs: 2000, endMs: 3000, speechMs: 500 },
    ], { ...timeline, minGapMs: 250 });
    expect(fits[0]!.placedEndMs).toBeLessThanOrEqual(2000 - 250);
    expect(fits[0]!.borrowedMs).toBe(750);
    expect(fits[0]!.speedFactor).toBe(1.086); // 1900 / 1750, rounded up
  });

  it('never places speech past the end of the timeline', () => {
    const fits = planCueFit([{ index: 0, startMs: 8000, endMs: 9000, speechMs: 4000 }], { timelineEndMs: 10_000 });
    expect(fits[0]).toMatchObject({ speedFactor: 1.35, placedEndMs: 10_000, borrowedMs: 1000, flag: 'overflow' });
  });

  it('works in start order whatever the input order, and keeps each cue\'s index', () => {
    const fits = planCueFit([
      { index: 7, startMs: 5000, endMs: 6000, speechMs: 800 },
      { index: 3, startMs: 0, endMs: 1000, speechMs: 3000 },
    ], timeline);
    expect(fits.map((fit) => fit.index)).toEqual([3, 7]);
    // Cue 3 borrows up to 4900 (cue 7 starts at 5000), so it fits at normal speed.
    expect(fits[0]).toMatchObject({ index: 3, speedFactor: 1, placedEndMs: 3000, borrowedMs: 2000 });
  });

  it('does not shrink the slot of cues that already overlap', () => {
    const fits = planCueFit([
      { index: 0, startMs: 0, endMs: 2000, speechMs: 1500 },
      { index: 1, startMs: 1000, endMs: 3000, speechMs: 1500 },
    ], timeline);
    expect(fits[0]).toMatchObject({ speedFactor: 1, placedEndMs: 1500, borrowedMs: 0, flag: null });
  });
});
