// Compares the cues with the speech the detector heard, to warn about subtitles that are off:
// a cue over silence is usually mistimed, and long speech with no cue goes undubbed.
import { formatTimestamp } from '../../shared/time.js';
import type { SpeechRegion } from '../engines/vad/voice-activity-detector.js';

const uncoveredSpeechWarningMs = 1500;

export function speechCoverageWarnings(cues: { index: number; startMs: number; endMs: number }[], regions: SpeechRegion[]): string[] {
  const warnings: string[] = [];
  const overlaps = (a: { startMs: number; endMs: number }, b: { startMs: number; endMs: number }) => Math.min(a.endMs, b.endMs) > Math.max(a.startMs, b.startMs);
  for (const cue of cues) {
    if (!regions.some((region) => overlaps(region, cue))) {
      warnings.push(`Cue ${cue.index + 1} (${formatTimestamp(cue.startMs)}) lies over silence in the original; check that the subtitles are in sync with the video.`);
    }
  }
  for (const region of regions) {
    if (region.endMs - region.startMs >= uncoveredSpeechWarningMs && !cues.some((cue) => overlaps(region, cue))) {
      warnings.push(`Speech from ${formatTimestamp(region.startMs)} to ${formatTimestamp(region.endMs)} has no cue, so it is not dubbed.`);
    }
  }
  return warnings;
}
