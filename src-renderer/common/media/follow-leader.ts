// The one rule that keeps the dub in step with the original: the original's <video> leads (the
// transport drives it), and after each of its play, pause, seeked and timeupdate events the dub
// is told what to do. Pure, so the thresholds are pinned by tests.

export interface MediaState {
  paused: boolean;
  /** currentTime, in seconds (what <video> speaks). */
  time: number;
  /** NaN or undefined until the metadata has loaded. */
  duration?: number;
  /** A seek still in flight: seeking again would only restart it and stall playback. */
  seeking?: boolean;
}

export interface FollowAction {
  play: boolean;
  pause: boolean;
  /** Where to move the follower, or null to leave it where it is. */
  seekTo: number | null;
}

/** While playing, a tenth of a second is below what people notice, and seeking more often stutters. */
export const playingToleranceSeconds = 0.1;
/** Paused, people compare frames by eye, so the two are aligned to about one frame. */
export const pausedToleranceSeconds = 0.04;

export function decideFollowerAction(leader: MediaState, follower: MediaState): FollowAction {
  const duration = follower.duration;
  const hasDuration = duration !== undefined && Number.isFinite(duration) && duration > 0;
  const target = hasDuration ? Math.min(leader.time, duration) : leader.time;
  const tolerance = leader.paused ? pausedToleranceSeconds : playingToleranceSeconds;
  const drift = Math.abs(follower.time - target);
  const pastEnd = hasDuration && target >= duration;
  return {
    play: !leader.paused && follower.paused && !pastEnd,
    pause: leader.paused && !follower.paused,
    seekTo: drift > tolerance && !follower.seeking ? target : null,
  };
}
