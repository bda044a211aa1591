import { describe, expect, it } from 'vitest';
import { StockhamFft } from '../../../src-main/core/engines/audio/fft.js';
import { noise } from './audio-helpers.js';

/** X[k] = Σ x[n]·e^(−2πi·kn/N), straight from the definition: the reference every size is held to. */
class DirectDft {
  constructor(readonly size: number) {}

  transform(inRe: Float64Array, inIm: Float64Array | null, outRe: Float64Array, outIm: Float64Array): void {
    const { size } = this;
    for (let k = 0; k < size; k++) {
      let re = 0;
      let im = 0;
      for (let n = 0; n < size; n++) {
        const angle = (-2 * Math.PI * ((k * n) % size)) / size;
        const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
        const [xr, xi] = [inRe[n]!, inIm ? inIm[n]! : 0];
        re += xr * cos - xi * sin;
        im += xr * sin + xi * cos;
      }
      outRe[k] = re;
      outIm[k] = im;
    }
  }
}

describe('StockhamFft', () => {
  it.each([6144, 7680, 2048, 96, 60, 49, 12, 7, 2, 1])('gives what the DFT definition gives at length %i, complex input, input untouched', (size) => {
    const inRe = Float64Array.from(noise(size, 1, size));
    const inIm = Float64Array.from(noise(size, 1, size + 1));
    const copyRe = inRe.slice();
    const expectedRe = new Float64Array(size);
    const expectedIm = new Float64Array(size);
    new DirectDft(size).transform(inRe, inIm, expectedRe, expectedIm);
    const re = new Float64Array(size);
    const im = new Float64Array(size);
    const fft = new StockhamFft(size);
    fft.transform(inRe, inIm, re, im);
    let worst = 0;
    for (let k = 0; k < size; k++) worst = Math.max(worst, Math.abs(re[k]! - expectedRe[k]!), Math.abs(im[k]! - expectedIm[k]!));
    expect(worst).toBeLessThan(1e-9 * Math.sqrt(size));
    expect(inRe).toEqual(copyRe);
    // A second call on the same object (the buffers are reused) gives the same, and real input works.
    fft.transform(inRe, null, re, im);
    new DirectDft(size).transform(inRe, null, expectedRe, expectedIm);
    for (let k = 0; k < size; k++) expect(Math.abs(re[k]! - expectedRe[k]!) + Math.abs(im[k]! - expectedIm[k]!)).toBeLessThan(1e-9 * Math.sqrt(size));
  });

  it('puts a complex exponential of frequency f in bin f alone', () => {
    const size = 7680;
    const frequency = 1234;
    const re = Float64Array.from({ length: size }, (_, n) => Math.cos((2 * Math.PI * frequency * n) / size));
    const im = Float64Array.from({ length: size }, (_, n) => Math.sin((2 * Math.PI * frequency * n) / size));
    const outRe = new Float64Array(size);
    const outIm = new Float64Array(size);
    new StockhamFft(size).transform(re, im, outRe, outIm);
    expect(outRe[frequency]).toBeCloseTo(size, 6);
    let elsewhere = 0;
    for (let k = 0; k < size; k++) if (k !== frequency) elsewhere = Math.max(elsewhere, Math.hypot(outRe[k]!, outIm[k]!));
    expect(elsewhere).toBeLessThan(1e-7);
  });
});
