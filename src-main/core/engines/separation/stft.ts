// Owns the short-time Fourier transform MDX-Net models are trained on, for a stereo pair at once:
// torch.stft / torch.istft with center=True (reflect padding of n_fft/2 at each end), a periodic
// Hann window of n_fft, onesided, unnormalised; the inverse overlap-adds and divides by the summed
// squared window, as torch.istft does. Both channels of a frame share one complex FFT (left as the
// real part, right as the imaginary part), which halves the transforms: two real signals'
// spectra come apart by conjugate symmetry, and two Hermitian spectra go back as one. The FFT is
// audio/fft.ts's Stockham transform.
//
// Spectra are laid out as MDX-Net's input tensor holds one batch item: four planes (left real,
// left imaginary, right real, right imaginary), each `bins` rows of `frames` values (torch's
// [freq, time]), so the separator writes and reads the model's tensors in place.

import { StockhamFft } from '../audio/fft.js';
import { periodicHann, reflectIndex } from '../audio/windows.js';

export class StereoStft {
  /** n_fft/2 + 1: the onesided bins. */
  readonly bins: number;
  readonly window: Float64Array;
  private readonly fft: StockhamFft;
  private readonly frameRe: Float64Array;
  private readonly frameIm: Float64Array;
  private readonly spectrumRe: Float64Array;
  private readonly spectrumIm: Float64Array;
  /** Overlap-add buffers and 1/Σw² for the last frame count the inverse saw (one per separator). */
  private overlap: { frames: number; left: Float64Array; right: Float64Array; inverseEnvelope: Float64Array } | undefined;

  constructor(readonly nFft: number, readonly hop: number) {
    if (!Number.isInteger(nFft) || nFft < 2 || nFft % 2 !== 0) throw new RangeError(`STFT size ${nFft} is not an even integer of 2 or more`);
    if (!Number.isInteger(hop) || hop < 1 || hop > nFft) throw new RangeError(`STFT hop ${hop} is not an integer from 1 to ${nFft}`);
    this.bins = nFft / 2 + 1;
    this.window = periodicHann(nFft);
    this.fft = new StockhamFft(nFft);
    this.frameRe = new Float64Array(nFft);
    this.frameIm = new Float64Array(nFft);
    this.spectrumRe = new Float64Array(nFft);
    this.spectrumIm = new Float64Array(nFft);
  }

  /** Frames torch.stft(center=True) gives for a signal of `length` samples. */
  frameCount(length: number): number {
    return 1 + Math.floor(length / this.hop);
  }

  /** Samples torch.istft(center=True) gives back for `frames` frames (no `length` argument). */
  signalLength(frames: number): number {
    return this.hop * (frames - 1);
  }

  /**
   * The spectra of `left` and `right` (same length, more than n_fft/2 samples, as reflect padding
   * needs), bins [0, keepBins) of each frame, into `out` from `offset`: four planes of
   * keepBins × frameCount(length), in the order left re, left im, right re, right im.
   */
  forward(left: Float32Array, right: Float32Array, keepBins: number, out: Float32Array, offset = 0): void {
    const { nFft, hop, window, frameRe, frameIm, spectrumRe, spectrumIm } = this;
    const length = left.length;
    if (right.length !== length) throw new RangeError(`STFT channels differ in length (${length} and ${right.length})`);
    if (length <= nFft / 2) throw new RangeError(`STFT of ${length} samples: reflect padding needs more than ${nFft / 2}`);
    if (!Number.isInteger(keepBins) || keepBins < 1 || keepBins > this.bins) throw new RangeError(`STFT keeps 1 to ${this.bins} bins, not ${keepBins}`);
    const frames = this.frameCount(length);
    const plane = keepBins * frames;
    if (offset + 4 * plane > out.length) throw new RangeError(`STFT output holds ${out.length - offset} values where ${4 * plane} are needed`);
    const half = nFft / 2;
    for (let frame = 0; frame < frames; frame++) {
      const start = frame * hop - half;
      if (start >= 0 && start + nFft <= length) {
        // Interior frames (all but a few at each end) need no reflection test per sample.
        for (let index = 0; index < nFft; index++) {
          const weight = window[index]!;
          frameRe[index] = left[start + index]! * weight;
          frameIm[index] = right[start + index]! * weight;
        }
      } else {
        for (let index = 0; index < nFft; index++) {
          const at = reflectIndex(start + index, length);
          const weight = window[index]!;
          frameRe[index] = left[at]! * weight;
          frameIm[index] = right[at]! * weight;
        }
      }
      this.fft.transform(frameRe, frameIm, spectrumRe, spectrumIm);
      // Z = L + iR with L, R the real channels' spectra: L[k] = (Z[k] + conj Z[N−k]) / 2 and
      // R[k] = (Z[k] − conj Z[N−k]) / 2i.
      for (let bin = 0, at = offset + frame; bin < keepBins; bin++, at += frames) {
        const mirror = bin === 0 ? 0 : nFft - bin;
        const re = spectrumRe[bin]!;
        const im = spectrumIm[bin]!;
        const mirrorRe = spectrumRe[mirror]!;
        const mirrorIm = spectrumIm[mirror]!;
        out[at] = (re + mirrorRe) / 2;
        out[at + plane] = (im - mirrorIm) / 2;
        out[at + 2 * plane] = (im + mirrorIm) / 2;
        out[at + 3 * plane] = (mirrorRe - re) / 2;
      }
    }
  }

  /**
   * The signals back from four planes laid out as `forward` writes them (keepBins × frames each,
   * from `offset`); bins from keepBins to n_fft/2 count as zeros, and the imaginary parts of the
   * DC and Nyquist bins are ignored, as torch.istft's inverse real FFT does. `left` and `right`
   * receive signalLength(frames) samples each.
   */
  inverse(spectrum: Float32Array, offset: number, keepBins: number, frames: number, left: Float32Array, right: Float32Array): void {
    const { nFft, hop, window, frameRe, frameIm, spectrumRe, spectrumIm } = this;
    if (!Number.isInteger(keepBins) || keepBins < 1 || keepBins > this.bins) throw new RangeError(`STFT keeps 1 to ${this.bins} bins, not ${keepBins}`);
    if (!Number.isInteger(frames) || frames < 2) throw new RangeError(`inverse STFT needs 2 or more frames, not ${frames}`);
    const plane = keepBins * frames;
    if (offset + 4 * plane > spectrum.length) throw new RangeError(`inverse STFT input holds ${spectrum.length - offset} values where ${4 * plane} are needed`);
    const length = this.signalLength(frames);
    if (left.length < length || right.length < length) throw new RangeError(`inverse STFT output needs ${length} samples a channel`);
    const buffers = this.overlapBuffers(frames);
    const { left: sumLeft, right: sumRight, inverseEnvelope } = buffers;
    sumLeft.fill(0);
    sumRight.fill(0);
    const half = nFft / 2;
    const scale = 1 / nFft;
    for (let frame = 0; frame < frames; frame++) {
      // Z = L + iR over all n_fft bins, the upper half by Hermitian symmetry of L and R; the
      // inverse FFT of Z is l + ir. It is computed as conj(FFT(conj Z)) / N.
      spectrumRe.fill(0);
      spectrumIm.fill(0);
      for (let bin = 0, at = offset + frame; bin < keepBins; bin++, at += frames) {
        const edge = bin === 0 || bin === half;
        const leftRe = spectrum[at]!;
        const leftIm = edge ? 0 : spectrum[at + plane]!;
        const rightRe = spectrum[at + 2 * plane]!;
        const rightIm = edge ? 0 : spectrum[at + 3 * plane]!;
        spectrumRe[bin] = leftRe - rightIm;
        spectrumIm[bin] = -(leftIm + rightRe);
        if (!edge) {
          const mirror = nFft - bin;
          spectrumRe[mirror] = leftRe + rightIm;
          spectrumIm[mirror] = leftIm - rightRe;
        }
      }
      this.fft.transform(spectrumRe, spectrumIm, frameRe, frameIm);
      const start = frame * hop;
      for (let index = 0; index < nFft; index++) {
        const weight = window[index]! * scale;
        sumLeft[start + index]! += frameRe[index]! * weight;
        sumRight[start + index]! -= frameIm[index]! * weight;
      }
    }
    for (let sample = 0; sample < length; sample++) {
      const factor = inverseEnvelope[sample]!;
      left[sample] = sumLeft[sample + half]! * factor;
      right[sample] = sumRight[sample + half]! * factor;
    }
  }

  private overlapBuffers(frames: number): NonNullable<StereoStft['overlap']> {
    if (this.overlap?.frames === frames) return this.overlap;
    const { nFft, hop, window } = this;
    const padded = nFft + hop * (frames - 1);
    const envelope = new Float64Array(padded);
    for (let frame = 0; frame < frames; frame++) for (let index = 0; index < nFft; index++) envelope[frame * hop + index]! += window[index]! * window[index]!;
    const length = this.signalLength(frames);
    const inverseEnvelope = new Float64Array(length);
    // torch.istft refuses an envelope under 1e-11; with a Hann window and hop ≤ n_fft/2 there is
    // none inside the trimmed signal, and with a larger hop the gaps come back as silence.
    for (let sample = 0; sample < length; sample++) {
      const sum = envelope[sample + nFft / 2]!;
      inverseEnvelope[sample] = sum > 1e-11 ? 1 / sum : 0;
    }
    this.overlap = { frames, left: new Float64Array(padded), right: new Float64Array(padded), inverseEnvelope };
    return this.overlap;
  }
}

