import { describe, expect, it } from 'vitest';
import { fbankFloor, KaldiFbank, melScale } from '../../../../src-main/core/engines/diarization/fbank.js';
import { melBinCentres } from '../../../fixtures/onnx/tiny-speaker-embedding.js';
import { noise, sine } from '../audio-helpers.js';

const fbank = new KaldiFbank({ sampleRate: 16_000, melBins: 80 });

/** Kaldi's steps for one frame, written out plainly: a direct DFT and triangles by their formula. */
function referenceFrame(samples: Float32Array, offset: number): number[] {
  const frame = Array.from(samples.subarray(offset, offset + 400), Number);
  const mean = frame.reduce((sum, value) => sum + value, 0) / 400;
  const centred = frame.map((value) => value - mean);
  const emphasised = centred.map((value, index) => value - 0.97 * (index > 0 ? centred[index - 1]! : value));
  const windowed = emphasised.map((value, index) => value * (0.5 - 0.5 * Math.cos((2 * Math.PI * index) / 399)) ** 0.85);
  const power = Array.from({ length: 256 }, (_, k) => {
    let re = 0;
    let im = 0;
    windowed.forEach((value, n) => {
      re += value * Math.cos((2 * Math.PI * k * n) / 512);
      im -= value * Math.sin((2 * Math.PI * k * n) / 512);
    });
    return re * re + im * im;
  });
  const low = melScale(20);
  const delta = (melScale(7600) - low) / 81;
  return Array.from({ length: 80 }, (_, bin) => {
    let energy = 0;
    power.forEach((value, k) => {
      const mel = melScale((k * 16_000) / 512);
      const left = low + bin * delta;
      const weight = Math.max(0, 1 - Math.abs(mel - (left + delta)) / delta);
      energy += weight * value;
    });
    return Math.log(Math.max(energy, fbankFloor));
  });
}

describe('KaldiFbank', () => {
  it('counts frames as Kaldi does with snip-edges: 25 ms every 10 ms, wholly inside', () => {
    expect(fbank.frameCount(399)).toBe(0);
    expect(fbank.frameCount(400)).toBe(1);
    expect(fbank.frameCount(16_000)).toBe(98);
    expect(fbank.compute(new Float32Array(559)).frames).toBe(1);
    expect(fbank.compute(new Float32Array(560)).frames).toBe(2);
  });

  it('matches a plain re-computation of Kaldi\'s steps (direct DFT, triangle formula)', () => {
    const samples = noise(1200, 0.3, 7);
    for (let index = 0; index < 1200; index++) samples[index] = samples[index]! + 0.2 * Math.sin(index * 0.3);
    const { frames, features } = fbank.compute(samples);
    expect(frames).toBe(6);
    for (const frame of [0, 5]) {
      const expected = referenceFrame(samples, frame * 160);
      for (let bin = 0; bin < 80; bin++) expect(features[frame * 80 + bin]).toBeCloseTo(expected[bin]!, 3);
    }
  });

  it('puts a tone\'s energy in the mel bin centred nearest it', () => {
    const centres = melBinCentres(80);
    for (const frequency of [300, 1000, 3000]) {
      const { features } = fbank.compute(sine(frequency, 0.1, 16_000));
      const row = Array.from(features.subarray(3 * 80, 4 * 80));
      const peak = row.indexOf(Math.max(...row));
      const nearest = centres.reduce((best, centre, bin) => (Math.abs(centre - frequency) < Math.abs(centres[best]! - frequency) ? bin : best), 0);
      expect(Math.abs(peak - nearest)).toBeLessThanOrEqual(1);
    }
  });

  it('is a log of power: twice the amplitude adds ln 4 to every bin; the sample scale does the same', () => {
    const signal = noise(800, 0.1, 3);
    const quiet = fbank.compute(signal).features;
    const loud = fbank.compute(signal.map((value) => 2 * value)).features;
    const scaled = fbank.compute(signal, 2).features;
    let checked = 0;
    for (let index = 0; index < quiet.length; index++) {
      // Bins within reach of the floor would not scale (the narrow, pre-emphasised lowest ones).
      if (quiet[index]! < Math.log(fbankFloor) + 8) continue;
      checked++;
      expect(loud[index]! - quiet[index]!).toBeCloseTo(Math.log(4), 3);
      expect(scaled[index]).toBeCloseTo(loud[index]!, 4);
    }
    expect(checked).toBeGreaterThan(0.9 * quiet.length);
  });

  it('removes each frame\'s mean, so a constant is floored silence', () => {
    const { features } = fbank.compute(new Float32Array(800).fill(0.5));
    expect(Math.max(...features)).toBeLessThan(Math.log(fbankFloor) + 1e-3);
  });
});
