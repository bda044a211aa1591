// Owns the log-mel filter bank that speaker-embedding models read, computed as Kaldi's
// compute-fbank (and kaldi-native-fbank, which sherpa-onnx runs) does with sherpa-onnx's
// settings: 25 ms frames every 10 ms, each frame's mean removed, pre-emphasis 0.97, a Povey
// window, zero-padded to a power of two, power spectrum, triangular mel filters from 20 Hz to
// Nyquist − 400 Hz on Kaldi's mel scale (1127·ln(1 + f/700)), natural log floored at float
// epsilon. No dither. Frames lie wholly inside the samples (Kaldi's snip-edges); sherpa-onnx
// reflects the edges instead, which changes one frame at each end of a segment.

import { StockhamFft } from '../audio/fft.js';

export interface FbankOptions {
  sampleRate: number;
  melBins: number;
  frameLengthMs?: number;
  frameShiftMs?: number;
  lowFrequency?: number;
  /** Upper edge in Hz; zero or less counts back from Nyquist (−400: 7600 Hz at 16 kHz). */
  highFrequency?: number;
  preemphasis?: number;
}

/** Kaldi's energy floor for the log: std::numeric_limits<float>::epsilon(). */
export const fbankFloor = 1.1920928955078125e-7;

export function melScale(frequency: number): number {
  return 1127 * Math.log(1 + frequency / 700);
}

export class KaldiFbank {
  readonly frameLength: number;
  readonly frameShift: number;
  readonly fftSize: number;
  readonly melBins: number;
  private readonly preemphasis: number;
  private readonly window: Float64Array;
  /** Per mel bin: the first FFT bin it weighs and the weights from there. */
  private readonly filters: { first: number; weights: Float64Array }[];
  private readonly fft: StockhamFft;
  private readonly frame: Float64Array;
  private readonly packedRe: Float64Array;
  private readonly packedIm: Float64Array;
  private readonly halfRe: Float64Array;
  private readonly halfIm: Float64Array;
  private readonly twiddleRe: Float64Array;
  private readonly twiddleIm: Float64Array;
  private readonly power: Float64Array;

  constructor(options: FbankOptions) {
    const { sampleRate, melBins } = options;
    this.melBins = melBins;
    this.frameLength = Math.round((sampleRate * (options.frameLengthMs ?? 25)) / 1000);
    this.frameShift = Math.round((sampleRate * (options.frameShiftMs ?? 10)) / 1000);
    this.preemphasis = options.preemphasis ?? 0.97;
    this.fftSize = 2 ** Math.ceil(Math.log2(this.frameLength));
    this.window = new Float64Array(this.frameLength);
    for (let index = 0; index < this.frameLength; index++) {
      this.window[index] = (0.5 - 0.5 * Math.cos((2 * Math.PI * index) / (this.frameLength - 1))) ** 0.85;
    }
    const nyquist = sampleRate / 2;
    const high = options.highFrequency ?? -400;
    this.filters = melFilters(melBins, this.fftSize, sampleRate, options.lowFrequency ?? 20, high > 0 ? high : nyquist + high);
    const half = this.fftSize / 2;
    this.fft = new StockhamFft(half);
    this.frame = new Float64Array(this.fftSize);
    this.packedRe = new Float64Array(half);
    this.packedIm = new Float64Array(half);
    this.halfRe = new Float64Array(half);
    this.halfIm = new Float64Array(half);
    this.power = new Float64Array(half);
    this.twiddleRe = Float64Array.from({ length: half }, (_, k) => Math.cos((2 * Math.PI * k) / this.fftSize));
    this.twiddleIm = Float64Array.from({ length: half }, (_, k) => -Math.sin((2 * Math.PI * k) / this.fftSize));
  }

  /** Frames `length` samples make: 1 + (length − frame length) / shift, or none when shorter than a frame. */
  frameCount(length: number): number {
    return length < this.frameLength ? 0 : 1 + Math.floor((length - this.frameLength) / this.frameShift);
  }

  /** The features, frames × melBins row by row; samples are multiplied by `scale` first. */
  compute(samples: Float32Array, scale = 1): { frames: number; features: Float32Array } {
    const frames = this.frameCount(samples.length);
    const features = new Float32Array(frames * this.melBins);
    for (let index = 0; index < frames; index++) this.computeFrame(samples, index * this.frameShift, scale, features, index * this.melBins);
    return { frames, features };
  }

  /** One frame, of samples [offset, offset + frameLength), into `into` from `at`. */
  computeFrame(samples: Float32Array, offset: number, scale: number, into: Float32Array, at: number): void {
    const { frame, frameLength, window, preemphasis, power } = this;
    let mean = 0;
    for (let sample = 0; sample < frameLength; sample++) mean += samples[offset + sample]! * scale;
    mean /= frameLength;
    for (let sample = 0; sample < frameLength; sample++) frame[sample] = samples[offset + sample]! * scale - mean;
    // Kaldi pre-emphasises from the end so each sample still sees its original predecessor;
    // the first sample is emphasised against itself.
    for (let sample = frameLength - 1; sample > 0; sample--) frame[sample] = frame[sample]! - preemphasis * frame[sample - 1]!;
    frame[0] = frame[0]! * (1 - preemphasis);
    for (let sample = 0; sample < frameLength; sample++) frame[sample] = frame[sample]! * window[sample]!;
    frame.fill(0, frameLength);
    this.powerSpectrum();
    for (let bin = 0; bin < this.melBins; bin++) {
      const { first, weights } = this.filters[bin]!;
      let energy = 0;
      for (let tap = 0; tap < weights.length; tap++) energy += weights[tap]! * power[first + tap]!;
      into[at + bin] = Math.log(Math.max(energy, fbankFloor));
    }
  }

  /**
   * |X[k]|² for k = 0 … size/2 − 1 of the real frame, from one complex FFT of half the size: the
   * even samples as real parts, the odd as imaginary, then split (X = E + W^k·O).
   */
  private powerSpectrum(): void {
    const { frame, packedRe, packedIm, halfRe, halfIm, power, twiddleRe, twiddleIm } = this;
    const half = this.fftSize / 2;
    for (let index = 0; index < half; index++) {
      packedRe[index] = frame[2 * index]!;
      packedIm[index] = frame[2 * index + 1]!;
    }
    this.fft.transform(packedRe, packedIm, halfRe, halfIm);
    for (let k = 0; k < half; k++) {
      const mirror = (half - k) % half;
      // E[k] = (Z[k] + conj Z[half − k]) / 2, O[k] = (Z[k] − conj Z[half − k]) / 2i.
      const evenRe = (halfRe[k]! + halfRe[mirror]!) / 2;
      const evenIm = (halfIm[k]! - halfIm[mirror]!) / 2;
      const oddRe = (halfIm[k]! + halfIm[mirror]!) / 2;
      const oddIm = -(halfRe[k]! - halfRe[mirror]!) / 2;
      const re = evenRe + twiddleRe[k]! * oddRe - twiddleIm[k]! * oddIm;
      const im = evenIm + twiddleRe[k]! * oddIm + twiddleIm[k]! * oddRe;
      power[k] = re * re + im * im;
    }
  }
}

/** Kaldi's MelBanks: bins equally spaced in mel between the edges, over FFT bins 0 … size/2 − 1. */
function melFilters(bins: number, fftSize: number, sampleRate: number, low: number, high: number): { first: number; weights: Float64Array }[] {
  const melLow = melScale(low);
  const melHigh = melScale(high);
  const delta = (melHigh - melLow) / (bins + 1);
  const binWidth = sampleRate / fftSize;
  const filters: { first: number; weights: Float64Array }[] = [];
  for (let bin = 0; bin < bins; bin++) {
    const left = melLow + bin * delta;
    const centre = left + delta;
    const right = centre + delta;
    const weights: number[] = [];
    let first = -1;
    for (let index = 0; index < fftSize / 2; index++) {
      const mel = melScale(binWidth * index);
      if (mel <= left || mel >= right) continue;
      if (first < 0) first = index;
      // Kaldi's bins are contiguous, so any gap inside one is a zero weight.
      while (first + weights.length < index) weights.push(0);
      weights.push(mel <= centre ? (mel - left) / (centre - left) : (right - mel) / (right - centre));
    }
    filters.push({ first: Math.max(0, first), weights: Float64Array.from(weights) });
  }
  return filters;
}
