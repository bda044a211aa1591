// Owns the fbank of each segmentation window and the frames of it that one local speaker's solo
// speech covers. Windows overlap by nine tenths, so when a window starts a whole number of fbank
// shifts after the last, the frames they share are copied rather than computed again: an hour
// then costs one fbank pass over the track instead of ten. sherpa-onnx computes the fbank of each
// speaker's joined pieces instead; taking frames from the unbroken audio differs only in the frame
// or two at each join, which then hear no splice.

import type { KaldiFbank } from './fbank.js';

export class WindowFeatures {
  readonly frames: number;
  private previous: { start: number; available: number; features: Float32Array } | null = null;

  constructor(
    private readonly fbank: KaldiFbank,
    private readonly scale: number,
    windowSamples: number,
  ) {
    this.frames = fbank.frameCount(windowSamples);
  }

  /** Frames × bins of a window of audio that starts at track sample `start` and holds `available` real samples. */
  features(window: Float32Array, start: number, available: number): Float32Array {
    const { fbank, frames } = this;
    const bins = fbank.melBins;
    const features = new Float32Array(frames * bins);
    let first = 0;
    const previous = this.previous;
    const offset = previous ? start - previous.start : -1;
    if (previous && offset >= 0 && offset % fbank.frameShift === 0) {
      const shift = offset / fbank.frameShift;
      // Only frames the previous window computed from real samples, not from its padding.
      const reusable = Math.min(frames - shift, fbank.frameCount(previous.available) - shift);
      if (reusable > 0) {
        features.set(previous.features.subarray(shift * bins, (shift + reusable) * bins));
        first = reusable;
      }
    }
    for (let frame = first; frame < frames; frame++) fbank.computeFrame(window, frame * fbank.frameShift, this.scale, features, frame * bins);
    this.previous = { start, available, features };
    return features;
  }

  /**
   * The frames (rows of `features`) whose centre lies in one of the sample runs and which lie
   * wholly in the first `available` samples, joined; with their count.
   */
  select(features: Float32Array, runs: readonly (readonly [number, number])[], available: number): { frames: number; features: Float32Array } {
    const { fbank } = this;
    const bins = fbank.melBins;
    const chosen: number[] = [];
    const centre = fbank.frameLength / 2;
    for (const [runStart, runEnd] of runs) {
      const from = Math.max(0, Math.ceil((runStart - centre) / fbank.frameShift));
      for (let frame = from; frame < this.frames; frame++) {
        const middle = frame * fbank.frameShift + centre;
        if (middle >= runEnd || frame * fbank.frameShift + fbank.frameLength > available) break;
        if (middle >= runStart) chosen.push(frame);
      }
    }
    const selected = new Float32Array(chosen.length * bins);
    chosen.forEach((frame, index) => selected.set(features.subarray(frame * bins, (frame + 1) * bins), index * bins));
    return { frames: chosen.length, features: selected };
  }
}
