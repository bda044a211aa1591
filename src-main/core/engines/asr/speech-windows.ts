// Owns cutting long audio into the ≤ 30 s windows Whisper reads, guided by voice activity: a
// window holds whole speech regions and ends in the silence after one, so no word is cut where
// a pause exists; only a region longer than a window is split, at its quietest moment.

import type { SampleReader } from '../../media/wav-chunks.js';
import type { SpeechRegion } from '../vad/voice-activity-detector.js';

export interface SpeechWindow {
  startMs: number;
  endMs: number;
}

export interface WindowOptions {
  /** Whisper's input length. */
  maxMs?: number;
  /** Silence kept on each side of speech, so onsets and tails reach the model. */
  padMs?: number;
  /** Where a split may fall inside an over-long region: its last stretch this long. */
  splitSearchMs?: number;
}

const defaults: Required<WindowOptions> = { maxMs: 30_000, padMs: 200, splitSearchMs: 8_000 };

/**
 * Windows covering every speech region, each at most `maxMs` long. `quietestAt(startMs, endMs)`
 * names the quietest moment in a range, where an over-long region is split.
 */
export function speechWindows(regions: readonly SpeechRegion[], durationMs: number, quietestAt: (startMs: number, endMs: number) => number, options: WindowOptions = {}): SpeechWindow[] {
  const { maxMs, padMs, splitSearchMs } = { ...defaults, ...options };
  const pieces = regions
    .map((region) => ({ startMs: Math.max(0, region.startMs - padMs), endMs: Math.min(durationMs, region.endMs + padMs) }))
    .filter((region) => region.endMs > region.startMs)
    .sort((a, b) => a.startMs - b.startMs)
    .flatMap((region) => splitLong(region, maxMs, splitSearchMs, quietestAt));

  const windows: SpeechWindow[] = [];
  for (const piece of pieces) {
    const current = windows.at(-1);
    if (current && piece.endMs - current.startMs <= maxMs) current.endMs = Math.max(current.endMs, piece.endMs);
    else if (current && piece.startMs < current.endMs) windows.push({ startMs: current.endMs, endMs: piece.endMs });
    else windows.push({ ...piece });
  }
  return windows.filter((window) => window.endMs > window.startMs);
}

/** Splits a region longer than a window at the quietest moment of each window's last stretch. */
function splitLong(region: SpeechWindow, maxMs: number, searchMs: number, quietestAt: (startMs: number, endMs: number) => number): SpeechWindow[] {
  const pieces: SpeechWindow[] = [];
  let startMs = region.startMs;
  while (region.endMs - startMs > maxMs) {
    const latest = startMs + maxMs;
    const cut = Math.round(quietestAt(Math.max(startMs + 1, latest - searchMs), latest));
    const splitMs = cut > startMs && cut <= latest ? cut : latest;
    pieces.push({ startMs, endMs: splitMs });
    startMs = splitMs;
  }
  pieces.push({ startMs, endMs: region.endMs });
  return pieces;
}

/** The start of the quietest 20 ms frame in [startMs, endMs) of 16 kHz audio, by RMS. */
export function quietestMoment(samples: Float32Array | SampleReader, sampleRate: number, startMs: number, endMs: number): number {
  const frame = Math.max(1, Math.round(sampleRate * 0.02));
  const first = Math.max(0, Math.floor((startMs * sampleRate) / 1000));
  const last = Math.min(samples.length - frame, Math.floor((endMs * sampleRate) / 1000) - frame);
  // Only the searched stretch (seconds) is read, whichever way the audio is held.
  const end = Math.max(first, last + frame);
  const range = samples instanceof Float32Array ? samples.subarray(first, end) : samples.read(first, end);
  let best = first;
  let bestEnergy = Number.POSITIVE_INFINITY;
  for (let offset = first; offset <= last; offset += frame) {
    let energy = 0;
    for (let index = offset - first; index < offset - first + frame; index++) energy += range[index]! * range[index]!;
    if (energy < bestEnergy) {
      bestEnergy = energy;
      best = offset;
    }
  }
  return (best * 1000) / sampleRate;
}
