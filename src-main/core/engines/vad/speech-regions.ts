// Owns turning per-window speech probabilities into speech regions (Silero's get_speech_timestamps rules).

import { defaultVadOptions, type SpeechRegion, type VadOptions } from './voice-activity-detector.js';

/** How far below the opening threshold a window must fall to count as silence (hysteresis). */
const hysteresis = 0.15;

/**
 * `probabilities[i]` is the speech probability of samples [i·windowSamples, (i+1)·windowSamples).
 * Hysteresis keeps a region open through short dips, so a word's soft consonants do not split it.
 */
export function speechRegionsFromProbabilities(
  probabilities: ArrayLike<number>,
  windowSamples: number,
  sampleRate: number,
  totalSamples: number,
  options: VadOptions = {},
): SpeechRegion[] {
  const { threshold, minSpeechMs, minSilenceMs, padMs } = { ...defaultVadOptions, ...withoutUndefined(options) };
  const closeBelow = Math.max(threshold - hysteresis, 0.01);
  const minSpeechSamples = (minSpeechMs * sampleRate) / 1000;
  const minSilenceSamples = (minSilenceMs * sampleRate) / 1000;

  const raw: { start: number; end: number }[] = [];
  let inSpeech = false;
  let start = 0;
  let silenceStart = -1;
  for (let index = 0; index < probabilities.length; index++) {
    const probability = probabilities[index] ?? 0;
    const position = index * windowSamples;
    if (probability >= threshold) {
      silenceStart = -1;
      if (!inSpeech) {
        inSpeech = true;
        start = position;
      }
      continue;
    }
    if (!inSpeech || probability >= closeBelow) continue;
    if (silenceStart < 0) silenceStart = position;
    if (position + windowSamples - silenceStart >= minSilenceSamples) {
      if (silenceStart - start >= minSpeechSamples) raw.push({ start, end: silenceStart });
      inSpeech = false;
      silenceStart = -1;
    }
  }
  if (inSpeech && totalSamples - start >= minSpeechSamples) raw.push({ start, end: totalSamples });

  return padRegions(raw, (padMs * sampleRate) / 1000, totalSamples).map(({ start: from, end: to }) => ({
    startMs: Math.round((from * 1000) / sampleRate),
    endMs: Math.round((to * 1000) / sampleRate),
  }));
}

/** Pads each region; where two pads would collide, the gap between them is split in half instead. */
function padRegions(regions: { start: number; end: number }[], pad: number, totalSamples: number): { start: number; end: number }[] {
  const padded = regions.map((region) => ({ ...region }));
  for (let index = 0; index < padded.length; index++) {
    const region = padded[index]!;
    const previous = regions[index - 1];
    const next = regions[index + 1];
    region.start = previous && region.start - previous.end < 2 * pad
      ? region.start - (region.start - previous.end) / 2
      : Math.max(0, region.start - pad);
    region.end = next && next.start - region.end < 2 * pad
      ? region.end + (next.start - region.end) / 2
      : Math.min(totalSamples, region.end + pad);
  }
  return padded;
}

function withoutUndefined(options: VadOptions): VadOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as VadOptions;
}
