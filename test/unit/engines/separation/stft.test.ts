import { describe, expect, it } from 'vitest';
import { periodicHann } from '../../../../src-main/core/engines/audio/windows.js';
import { StereoStft } from '../../../../src-main/core/engines/separation/stft.js';
import { noise, sine } from '../audio-helpers.js';

/** torch.stft(center=True, pad_mode='reflect') of one frame and one bin, straight from the definition. */
function referenceBin(signal: Float32Array, nFft: number, hop: number, frame: number, bin: number): { re: number; im: number } {
  const window = periodicHann(nFft);
  const padded = (index: number) => {
    // numpy 'reflect': [3 2 1 | 0 1 2 3 | 2 1 0]
    const at = index < 0 ? -index : index >= signal.length ? 2 * (signal.length - 1) - index : index;
    return signal[at]!;
  };
  let re = 0;
  let im = 0;
  for (let n = 0; n < nFft; n++) {
    const value = padded(frame * hop - nFft / 2 + n) * window[n]!;
    re += value * Math.cos((2 * Math.PI * bin * n) / nFft);
    im -= value * Math.sin((2 * Math.PI * bin * n) / nFft);
  }
  return { re, im };
}

function maxError(a: Float32Array, b: Float32Array, from = 0, to = a.length): number {
  let worst = 0;
  for (let index = from; index < to; index++) worst = Math.max(worst, Math.abs(a[index]! - b[index]!));
  return worst;
}

describe('StereoStft', () => {
  it('gives torch.stft(center=True) frames: 1 + ⌊n/hop⌋ of them, each channel its own spectrum, edge frames reflect-padded', () => {
    const nFft = 96; // 2⁵·3, a mixed radix as the real 6144 and 7680 are
    const hop = 24;
    const left = noise(500, 0.8, 3);
    const right = sine(3000, 500 / 44_100, 44_100, 0.6);
    const stft = new StereoStft(nFft, hop);
    const frames = stft.frameCount(left.length);
    expect(frames).toBe(1 + Math.floor(500 / 24));
    const keep = 40;
    const out = new Float32Array(5 + 4 * keep * frames);
    stft.forward(left, right, keep, out, 5);
    const plane = keep * frames;
    for (const frame of [0, 1, 2, 10, frames - 2, frames - 1]) {
      for (const bin of [0, 1, 7, 20, keep - 1]) {
        const at = 5 + bin * frames + frame;
        const l = referenceBin(left, nFft, hop, frame, bin);
        const r = referenceBin(right, nFft, hop, frame, bin);
        expect(out[at]).toBeCloseTo(l.re, 4);
        expect(out[at + plane]).toBeCloseTo(l.im, 4);
        expect(out[at + 2 * plane]).toBeCloseTo(r.re, 4);
        expect(out[at + 3 * plane]).toBeCloseTo(r.im, 4);
      }
    }
  });

  it.each([
    [2048, 1024, 40_000],
    [6144, 1024, 1024 * 40],
    [7680, 1024, 1024 * 30 + 7],
  ])('inverts its own output (n_fft %i, hop %i, %i samples) to within 1e-5, edges included', (nFft, hop, length) => {
    const left = noise(length, 0.9, nFft);
    const right = Float32Array.from(sine(440, length / 44_100, 44_100, 0.5), (value, index) => value + 0.3 * Math.sin(index / 7));
    const stft = new StereoStft(nFft, hop);
    const frames = stft.frameCount(length);
    const spectrum = new Float32Array(4 * stft.bins * frames);
    stft.forward(left, right, stft.bins, spectrum);
    const backLength = stft.signalLength(frames);
    expect(backLength).toBe(length - (length % hop));
    const backLeft = new Float32Array(backLength);
    const backRight = new Float32Array(backLength);
    stft.inverse(spectrum, 0, stft.bins, frames, backLeft, backRight);
    expect(maxError(backLeft, left, 0, backLength)).toBeLessThan(1e-5);
    expect(maxError(backRight, right, 0, backLength)).toBeLessThan(1e-5);
    // The first and last n_fft samples are where the reflect padding and the window envelope differ from the interior.
    expect(maxError(backLeft, left, 0, nFft)).toBeLessThan(1e-5);
    expect(maxError(backLeft, left, backLength - nFft, backLength)).toBeLessThan(1e-5);
  });

  it('treats the bins it was not given as zeros: a tone above them comes back as silence, one below unchanged', () => {
    // Away from the ends, where reflect padding puts a kink in the tone that has energy in every bin.
    const nFft = 2048;
    const stft = new StereoStft(nFft, 512);
    const length = 512 * 60;
    const low = sine(500, length / 44_100, 44_100, 0.5);
    const high = sine(15_000, length / 44_100, 44_100, 0.5);
    const frames = stft.frameCount(length);
    const keep = 512; // up to 11 kHz
    const spectrum = new Float32Array(4 * keep * frames);
    stft.forward(low, high, keep, spectrum);
    const left = new Float32Array(stft.signalLength(frames));
    const right = new Float32Array(stft.signalLength(frames));
    stft.inverse(spectrum, 0, keep, frames, left, right);
    expect(maxError(left, low, nFft, left.length - nFft)).toBeLessThan(1e-5);
    expect(Math.max(...right.subarray(nFft, right.length - nFft).map(Math.abs))).toBeLessThan(1e-5);
    expect(maxError(left, low, 0, left.length)).toBeLessThan(0.05);
  });

  it('ignores the imaginary parts of the DC and Nyquist bins, as an inverse real FFT does', () => {
    const stft = new StereoStft(64, 16);
    const length = 16 * 20;
    const signal = noise(length, 0.5, 9);
    const frames = stft.frameCount(length);
    const plane = stft.bins * frames;
    const spectrum = new Float32Array(4 * plane);
    stft.forward(signal, signal, stft.bins, spectrum);
    for (let frame = 0; frame < frames; frame++) {
      for (const part of [1, 3]) {
        spectrum[part * plane + frame] = 5; // DC, imaginary
        spectrum[part * plane + (stft.bins - 1) * frames + frame] = -5; // Nyquist, imaginary
      }
    }
    const left = new Float32Array(stft.signalLength(frames));
    const right = new Float32Array(stft.signalLength(frames));
    stft.inverse(spectrum, 0, stft.bins, frames, left, right);
    expect(maxError(left, signal, 0, left.length)).toBeLessThan(1e-5);
    expect(maxError(right, signal, 0, right.length)).toBeLessThan(1e-5);
  });

  it('refuses what torch refuses: a signal no longer than n_fft/2, a hop past n_fft, an odd size', () => {
    const stft = new StereoStft(64, 16);
    const out = new Float32Array(4 * 33 * 10);
    expect(() => stft.forward(new Float32Array(32), new Float32Array(32), 33, out)).toThrow(RangeError);
    expect(() => new StereoStft(64, 65)).toThrow(RangeError);
    expect(() => new StereoStft(63, 16)).toThrow(RangeError);
  });
});
