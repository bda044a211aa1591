// Owns trimming leading and trailing near-silence from a mono clip.

/**
 * Works on 10 ms frames rather than single samples, so one stray click does not count as
 * speech, and keeps one frame of margin on each side so soft onsets and tails survive.
 */
export function trimSilence(samples: Float32Array, sampleRate: number, thresholdDb = -50): Float32Array {
  const frame = Math.max(1, Math.round(sampleRate / 100));
  const threshold = 10 ** (thresholdDb / 10); // compared with a mean square, hence /10
  const frames = Math.ceil(samples.length / frame);
  let first = -1;
  let last = -1;
  for (let index = 0; index < frames; index++) {
    const from = index * frame;
    const to = Math.min(samples.length, from + frame);
    let energy = 0;
    for (let position = from; position < to; position++) energy += samples[position]! * samples[position]!;
    if (energy / (to - from) >= threshold) {
      if (first < 0) first = index;
      last = index;
    }
  }
  if (first < 0) return new Float32Array(0);
  const start = Math.max(0, (first - 1) * frame);
  const end = Math.min(samples.length, (last + 2) * frame);
  return samples.slice(start, end);
}
