// Owns the per-cue fitting decision: how fast each cue's speech plays and where it ends. Pure maths.

export interface CueToFit {
  index: number;
  startMs: number;
  endMs: number;
  /** Length of the synthesized speech at normal speed. */
  speechMs: number;
}

export interface CueFit {
  index: number;
  /** 1 = normal speed; never below 1 and never above maxSpeed. */
  speedFactor: number;
  placedStartMs: number;
  placedEndMs: number;
  /** Following silence the cue took beyond its own end. */
  borrowedMs: number;
  flag: 'overflow' | null;
}

export interface FitOptions {
  /** The bound past which speech is never sped. Default 1.35. */
  maxSpeed?: number;
  /** Silence kept before the next cue when borrowing. Default 100. */
  minGapMs?: number;
  /** Nothing is placed past this (the end of the video). */
  timelineEndMs: number;
}

/**
 * SPEC: speech is never sped past the bound; over-long cues borrow following silence first, then
 * are flagged. A cue always starts at its own start (lip movements and the picture anchor it);
 * only its end moves, never past `next.start − minGap` or the timeline's end.
 *
 * A flagged cue keeps that timing too: it plays at the bound and is cut at the end of its extended
 * slot (the mixer fades the rest out), so it never plays over the next line. The alternative —
 * letting it run on — would push every later cue or stack two voices; the flag tells the user to
 * shorten the text instead.
 */
export function planCueFit(cues: readonly CueToFit[], options: FitOptions): CueFit[] {
  const maxSpeed = Math.max(1, options.maxSpeed ?? 1.35);
  const minGapMs = Math.max(0, options.minGapMs ?? 100);
  const timelineEndMs = options.timelineEndMs;
  const ordered = [...cues].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs || a.index - b.index);

  return ordered.map((cue, position) => {
    const next = ordered[position + 1];
    const start = cue.startMs;
    const slotEnd = Math.max(start, Math.min(cue.endMs, timelineEndMs));
    const limit = Math.min(timelineEndMs, next ? next.startMs - minGapMs : timelineEndMs);
    // A slot is never shrunk: when cues already overlap, the cue keeps the slot it was given.
    const extendedEnd = Math.max(slotEnd, limit);
    const slotMs = slotEnd - start;
    const extendedMs = extendedEnd - start;
    const speechMs = Math.max(0, cue.speechMs);

    if (speechMs <= slotMs) return fit(cue.index, 1, start, start + speechMs, 0, null);
    if (speechMs <= extendedMs) return fit(cue.index, 1, start, start + speechMs, speechMs - slotMs, null);

    const borrowedMs = extendedEnd - slotEnd;
    const needed = extendedMs > 0 ? speechMs / extendedMs : Number.POSITIVE_INFINITY;
    if (needed <= maxSpeed) {
      // Rounded up, not to nearest, so the sped-up speech still ends inside the slot.
      const speed = Math.min(maxSpeed, Math.max(1, Math.ceil(needed * 1000 - 1e-9) / 1000));
      return fit(cue.index, speed, start, Math.min(extendedEnd, start + Math.round(speechMs / speed)), borrowedMs, null);
    }
    return fit(cue.index, maxSpeed, start, Math.min(extendedEnd, start + Math.round(speechMs / maxSpeed)), borrowedMs, 'overflow');
  });
}

function fit(index: number, speedFactor: number, placedStartMs: number, placedEndMs: number, borrowedMs: number, flag: CueFit['flag']): CueFit {
  return { index, speedFactor, placedStartMs, placedEndMs, borrowedMs, flag };
}
