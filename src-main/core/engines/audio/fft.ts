// Owns a small complex FFT for any length whose prime factors are small (Wav2Lip's 800-point STFT
// is 2⁵·5²): recursive mixed-radix decimation in time with one table of twiddles. transformers.js
// has an FFT but does not export it (nor its spectrogram helpers) from its package entry.

export class MixedRadixFft {
  private readonly factors: number[];
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly tempRe: Float64Array;
  private readonly tempIm: Float64Array;
  private readonly zeros: Float64Array;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`FFT size ${size} is not a positive integer`);
    this.factors = factorize(size);
    this.cos = new Float64Array(size);
    this.sin = new Float64Array(size);
    for (let index = 0; index < size; index++) {
      this.cos[index] = Math.cos((2 * Math.PI * index) / size);
      this.sin[index] = Math.sin((2 * Math.PI * index) / size);
    }
    const largest = Math.max(1, ...this.factors);
    this.tempRe = new Float64Array(largest);
    this.tempIm = new Float64Array(largest);
    this.zeros = new Float64Array(size);
  }

  /** X[k] = Σ x[n]·e^(−2πi·kn/N) into `outRe`/`outIm`; the input is left as it was. */
  transform(inRe: Float64Array, inIm: Float64Array | null, outRe: Float64Array, outIm: Float64Array): void {
    this.step(inRe, inIm ?? this.zeros, 0, 1, this.size, 0, outRe, outIm, 0);
  }

  private step(
    inRe: Float64Array, inIm: Float64Array, inOffset: number, stride: number, length: number, level: number,
    outRe: Float64Array, outIm: Float64Array, outOffset: number,
  ): void {
    if (length === 1) {
      outRe[outOffset] = inRe[inOffset]!;
      outIm[outOffset] = inIm[inOffset]!;
      return;
    }
    const radix = this.factors[level]!;
    const part = length / radix;
    // Each residue class r of the input is a transform of length `part`, written to its own block.
    for (let residue = 0; residue < radix; residue++) {
      this.step(inRe, inIm, inOffset + residue * stride, stride * radix, part, level + 1, outRe, outIm, outOffset + residue * part);
    }
    // X[k + q·part] = Σ_r W_length^(r·k) · Y_r[k] · W_radix^(r·q): reads and writes the same slots.
    const twiddleStep = this.size / length;
    const radixStep = this.size / radix;
    const { cos, sin, tempRe, tempIm, size } = this;
    for (let k = 0; k < part; k++) {
      for (let residue = 0; residue < radix; residue++) {
        const slot = outOffset + residue * part + k;
        const angle = (residue * k * twiddleStep) % size;
        const re = outRe[slot]!;
        const im = outIm[slot]!;
        tempRe[residue] = re * cos[angle]! + im * sin[angle]!;
        tempIm[residue] = im * cos[angle]! - re * sin[angle]!;
      }
      for (let q = 0; q < radix; q++) {
        let sumRe = 0;
        let sumIm = 0;
        for (let residue = 0; residue < radix; residue++) {
          const angle = ((residue * q) % radix) * radixStep;
          sumRe += tempRe[residue]! * cos[angle]! + tempIm[residue]! * sin[angle]!;
          sumIm += tempIm[residue]! * cos[angle]! - tempRe[residue]! * sin[angle]!;
        }
        outRe[outOffset + k + q * part] = sumRe;
        outIm[outOffset + k + q * part] = sumIm;
      }
    }
  }
}

/** Radix-4 stages first (fewer of them), then 2, 3, 5 and any other prime. */
function factorize(size: number): number[] {
  const factors: number[] = [];
  let rest = size;
  for (const factor of [4, 2, 3, 5]) {
    while (rest % factor === 0) {
      factors.push(factor);
      rest /= factor;
    }
  }
  for (let factor = 7; rest > 1; factor += 2) {
    while (rest % factor === 0) {
      factors.push(factor);
      rest /= factor;
    }
  }
  return factors;
}
