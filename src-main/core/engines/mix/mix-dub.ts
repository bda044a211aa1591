// Owns laying the dubbed cues on a timeline and mixing them over the ducked original.

import { msToSamples } from '../../../shared/time.js';

export interface DubCue {
  /** Mono speech at the mix's sample rate. */
  samples: Float32Array;
  startMs: number;
  /** The placed end: speech running past it is faded out over the last 30 ms before it. */
  endMs: number;
}

export interface MixDubInput {
  /** The original sound track, one array per channel (48 kHz stereo in the pipeline). */
  original: Float32Array[];
  sampleRate: number;
  cues: DubCue[];
  /** How far the original drops under dubbed speech. Default −14 dB. */
  duckDb?: number;
  /** Length of the duck's fade down and back up. Default 150 ms. */
  rampMs?: number;
  voiceGainDb?: number;
  /** Mix into `original` itself instead of a copy: for callers that read it only for this mix. */
  inPlace?: boolean;
}

const cutFadeMs = 30;

/**
 * The duck follows the cue slots, not the voice's waveform, so the original does not pump up in
 * the pauses between words; it reaches full depth as the cue starts and recovers after it ends.
 * Cues closer than two ramps stay ducked in between for the same reason.
 */
export function mixDub(input: MixDubInput): { voice: Float32Array; mix: Float32Array[] } {
  const { original, sampleRate } = input;
  const length = original[0]?.length ?? 0;
  const voiceGain = 10 ** ((input.voiceGainDb ?? 0) / 20);
  const duckGain = 10 ** ((input.duckDb ?? -14) / 20);
  const ramp = Math.max(1, msToSamples(input.rampMs ?? 150, sampleRate));

  const voice = new Float32Array(length);
  const spans: [number, number][] = [];
  for (const cue of input.cues) {
    const span = placeCue(voice, cue, sampleRate, voiceGain);
    if (span) spans.push(span);
  }

  // Outside the ducked spans the mix is the original untouched, so it starts as a plain copy
  // and only the spans are touched: a 10-minute track costs two memcpys plus the speech.
  const mix = input.inPlace ? [...original] : original.map((channel) => channel.slice(0, length));
  const { down, up } = rampCurves(ramp, duckGain);
  for (const [from, to] of mergeSpans(spans, 2 * ramp)) {
    for (const channel of mix) duckAndAdd(channel, voice, from, to, down, up, duckGain);
  }
  return { voice, mix };
}

/** Adds one cue into the voice track; returns the samples it covers, or null when it lies outside. */
function placeCue(voice: Float32Array, cue: DubCue, sampleRate: number, gain: number): [number, number] | null {
  const start = msToSamples(cue.startMs, sampleRate);
  const placedEnd = Math.min(voice.length, Math.max(start, msToSamples(cue.endMs, sampleRate)));
  const end = Math.min(start + cue.samples.length, placedEnd);
  if (start >= voice.length || end <= start) return null;
  const from = Math.max(0, start);
  // Speech cut at the placed end (an overflowing cue, or the timeline's end) fades instead of clicking.
  const cut = start + cue.samples.length > end;
  const fadeLength = cut ? Math.min(end - from, msToSamples(cutFadeMs, sampleRate)) : 0;
  const fadeStart = end - fadeLength;
  const samples = cue.samples;
  for (let index = from; index < fadeStart; index++) voice[index]! += samples[index - start]! * gain;
  for (let index = Math.max(from, fadeStart); index < end; index++) voice[index]! += (samples[index - start]! * gain * (end - index)) / fadeLength;
  return [from, end];
}

function mergeSpans(spans: [number, number][], joinBelow: number): [number, number][] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span[0] - last[1] < joinBelow) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

/** Raised-cosine gain curves for the fade down into a duck and back up out of it. */
function rampCurves(ramp: number, depth: number): { down: Float32Array; up: Float32Array } {
  const down = new Float32Array(ramp);
  const up = new Float32Array(ramp);
  for (let index = 0; index < ramp; index++) {
    const shape = 0.5 - 0.5 * Math.cos((Math.PI * index) / ramp);
    down[index] = 1 - (1 - depth) * shape;
    up[index] = depth + (1 - depth) * shape;
  }
  return { down, up };
}

/**
 * Ducks [from, to) with its fades and adds the voice there. Merged spans lie at least two ramps
 * apart, so the fades of neighbouring spans never overlap.
 */
function duckAndAdd(channel: Float32Array, voice: Float32Array, from: number, to: number, down: Float32Array, up: Float32Array, depth: number): void {
  const ramp = down.length;
  for (let index = Math.max(0, from - ramp); index < from; index++) channel[index]! *= down[index - from + ramp]!;
  for (let index = from; index < to; index++) channel[index] = channel[index]! * depth + voice[index]!;
  const upTo = Math.min(channel.length, to + ramp);
  for (let index = to; index < upTo; index++) channel[index]! *= up[index - to]!;
}
