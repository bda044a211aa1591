import { describe, expect, it } from 'vitest';
import { decideFollowerAction, pausedToleranceSeconds, playingToleranceSeconds } from '../../../src-renderer/common/media/follow-leader.js';

describe('decideFollowerAction', () => {
  it('starts the dub when the original plays, and pauses it when the original pauses', () => {
    expect(decideFollowerAction({ paused: false, time: 1 }, { paused: true, time: 1 })).toEqual({ play: true, pause: false, seekTo: null });
    expect(decideFollowerAction({ paused: true, time: 1 }, { paused: false, time: 1 })).toEqual({ play: false, pause: true, seekTo: null });
    expect(decideFollowerAction({ paused: false, time: 1 }, { paused: false, time: 1 })).toEqual({ play: false, pause: false, seekTo: null });
  });

  it('lets a drift up to a tenth of a second pass while playing, and corrects a larger one', () => {
    expect(playingToleranceSeconds).toBe(0.1);
    expect(decideFollowerAction({ paused: false, time: 10 }, { paused: false, time: 10.09 }).seekTo).toBeNull();
    expect(decideFollowerAction({ paused: false, time: 10 }, { paused: false, time: 10.2 }).seekTo).toBe(10);
    expect(decideFollowerAction({ paused: false, time: 10 }, { paused: false, time: 9.8 }).seekTo).toBe(10);
  });

  it('aligns to about a frame while paused, as after a seek', () => {
    expect(pausedToleranceSeconds).toBeLessThan(playingToleranceSeconds);
    expect(decideFollowerAction({ paused: true, time: 42 }, { paused: true, time: 42.06 }).seekTo).toBe(42);
    expect(decideFollowerAction({ paused: true, time: 42 }, { paused: true, time: 42.02 }).seekTo).toBeNull();
  });

  it('does not seek again while a seek is in flight', () => {
    expect(decideFollowerAction({ paused: false, time: 30 }, { paused: false, time: 2, seeking: true }).seekTo).toBeNull();
  });

  it('clamps to the dub’s length and does not restart a dub that has ended', () => {
    const action = decideFollowerAction({ paused: false, time: 65 }, { paused: true, time: 20, duration: 60 });
    expect(action.seekTo).toBe(60);
    expect(action.play).toBe(false);
  });

  it('ignores a duration that is not known yet', () => {
    expect(decideFollowerAction({ paused: false, time: 5 }, { paused: true, time: 0, duration: Number.NaN })).toEqual({ play: true, pause: false, seekTo: 5 });
  });
});
