// Pairs a translation's cues with the source cues they translate. The translation file's timing
// wins (a translator may merge or split lines); each target cue takes the text of the source
// cues that overlap it most.

export interface TimedText {
  startMs: number;
  endMs: number;
  text: string;
}

export interface DubCue {
  index: number;
  startMs: number;
  endMs: number;
  sourceText: string;
  targetText: string;
}

export function alignCues(source: TimedText[] | null, target: TimedText[]): DubCue[] {
  return target.map((cue, index) => ({
    index,
    startMs: cue.startMs,
    endMs: cue.endMs,
    sourceText: source ? overlappingText(source, cue) : '',
    targetText: cue.text,
  }));
}

function overlappingText(source: TimedText[], cue: TimedText): string {
  const parts: string[] = [];
  for (const candidate of source) {
    const overlap = Math.min(candidate.endMs, cue.endMs) - Math.max(candidate.startMs, cue.startMs);
    const candidateLength = Math.max(1, candidate.endMs - candidate.startMs);
    // A source line belongs to this cue when most of it lies inside the cue.
    if (overlap > 0 && overlap / candidateLength >= 0.5) parts.push(candidate.text);
  }
  return parts.join(' ');
}
