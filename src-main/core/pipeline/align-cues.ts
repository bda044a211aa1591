// Pairs a translation's cues with the source cues they translate. The translation file's timing
// wins (a translator may merge or split lines); each source line belongs to the target cue it
// overlaps most.
import { spokenText } from '../subtitles/cue-text.js';

export interface TimedText {
  startMs: number;
  endMs: number;
  text: string;
  /** Who says it, where the file names someone (an ASS actor, a WebVTT voice). */
  speaker?: string;
}

export interface DubCue {
  index: number;
  startMs: number;
  endMs: number;
  sourceText: string;
  targetText: string;
  /** The translation's actor for the cue, else that of the first source line it translates. */
  speaker?: string;
}

export function alignCues(source: TimedText[] | null, target: TimedText[]): DubCue[] {
  const lines = source ? sourceLinesByTarget(source, target) : null;
  return target.map((cue, index) => {
    const speaker = cue.speaker ?? lines?.[index]!.find((line) => line.speaker)?.speaker;
    return {
      index,
      startMs: cue.startMs,
      endMs: cue.endMs,
      sourceText: lines ? lines[index]!.map((line) => spokenText(line.text)).join(' ') : '',
      targetText: cue.text,
      ...(speaker ? { speaker } : {}),
    };
  });
}

/**
 * Each source line goes to the one target cue it overlaps most (ties: the earlier), so two
 * speakers talking over each other keep their own lines; a target cue that merges several
 * source lines gets them all, in order.
 */
function sourceLinesByTarget(source: TimedText[], target: TimedText[]): TimedText[][] {
  const texts: TimedText[][] = target.map(() => []);
  const order = target.map((cue, index) => ({ cue, index })).sort((a, b) => a.cue.startMs - b.cue.startMs);
  const starts = order.map(({ cue }) => cue.startMs);
  const longest = target.reduce((most, cue) => Math.max(most, cue.endMs - cue.startMs), 0);
  for (const line of [...source].sort((a, b) => a.startMs - b.startMs)) {
    let best = -1;
    let bestOverlap = 0;
    // Only target cues that start within the longest cue's length before this line can overlap it.
    for (let position = lowerBound(starts, line.startMs - longest); position < order.length && starts[position]! < line.endMs; position++) {
      const { cue, index } = order[position]!;
      const overlap = Math.min(line.endMs, cue.endMs) - Math.max(line.startMs, cue.startMs);
      if (overlap > bestOverlap || (overlap === bestOverlap && overlap > 0 && index < best)) [best, bestOverlap] = [index, overlap];
    }
    if (best >= 0) texts[best]!.push(line);
  }
  return texts;
}

function lowerBound(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
