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
  const tracker = new SpeechRegionTracker(windowSamples, sampleRate, options);
  for (let index = 0; index < probabilities.length; index++) tracker.push(probabilities[index] ?? 0);
  return tracker.finish(totalSamples);
}

/**
 * The same rules one window at a time, so a detector streaming an hour of audio keeps only the
 * regions found so far (a few per minute of speech), not a probability per window.
 */
export class SpeechRegionTracker {
  private readonly threshold: number;
  private readonly closeBelow: number;
  private readonly minSpeechSamples: number;
  private readonly minSilenceSamples: number;
  private readonly padSamples: number;
  private readonly raw: { start: number; end: number }[] = [];
  private windows = 0;
  private inSpeech = false;
  private start = 0;
  private silenceStart = -1;

  constructor(
    private readonly windowSamples: number,
    private readonly sampleRate: number,
    options: VadOptions = {},
  ) {
    const { threshold, minSpeechMs, minSilenceMs, padMs } = { ...defaultVadOptions, ...withoutUndefined(options) };
    this.threshold = threshold;
    this.closeBelow = Math.max(threshold - hysteresis, 0.01);
    this.minSpeechSamples = (minSpeechMs * sampleRate) / 1000;
    this.minSilenceSamples = (minSilenceMs * sampleRate) / 1000;
    this.padSamples = (padMs * sampleRate) / 1000;
  }

  /** The next window's speech probability. */
  push(probability: number): void {
    const position = this.windows++ * this.windowSamples;
    if (probability >= this.threshold) {
      this.silenceStart = -1;
      if (!this.inSpeech) {
        this.inSpeech = true;
        this.start = position;
      }
      return;
    }
    if (!this.inSpeech || probability >= this.closeBelow) return;
    if (this.silenceStart < 0) this.silenceStart = position;
    if (position + this.windowSamples - this.silenceStart >= this.minSilenceSamples) {
      if (this.silenceStart - this.start >= this.minSpeechSamples) this.raw.push({ start: this.start, end: this.silenceStart });
      this.inSpeech = false;
      this.silenceStart = -1;
    }
  }

  /** The regions, once the audio (`totalSamples` long) has ended; a region still open ends with it. */
  finish(totalSamples: number): SpeechRegion[] {
    const raw = [...this.raw];
    if (this.inSpeech && totalSamples - this.start >= this.minSpeechSamples) raw.push({ start: this.start, end: totalSamples });
    return padRegions(raw, this.padSamples, totalSamples).map(({ start: from, end: to }) => ({
      startMs: Math.round((from * 1000) / this.sampleRate),
      endMs: Math.round((to * 1000) / this.sampleRate),
    }));
  }
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
