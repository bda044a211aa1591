// Owns the complex FFT every spectrum in Redub uses (separation's STFT at 6144 = 4⁵·2·3 and
// 7680 = 4⁴·2·3·5 points, Wav2Lip's 800-point mel, the speaker fbank's 512): an iterative Stockham
// autosort, one pass per radix with its twiddles precomputed, written-out butterflies for radices
// 2, 3 and 4 and a plain DFT for any other. A recursive mixed-radix version cost about 2.5 ms a
// 6144-point transform in V8, and an MDX-Net chunk needs 512 of them (14 s a media minute); this
// one is about 7× faster. transformers.js has an FFT but does not export it.

interface Stage {
  radix: number;
  /** Length of the transforms already done when this pass starts (1 for the first pass). */
  span: number;
  /** e^(−2πi·t·k/(span·radix)) for t in 1…radix−1 and k in 0…span−1, at [(t − 1)·span + k]. */
  twiddleRe: Float64Array;
  twiddleIm: Float64Array;
}

export class StockhamFft {
  private readonly stages: Stage[];
  private readonly bufferRe: [Float64Array, Float64Array];
  private readonly bufferIm: [Float64Array, Float64Array];
  private readonly zeros: Float64Array;
  /** The generic butterfly's scratch and the radix's own roots, e^(−2πi·n/radix). */
  private readonly scratchRe: Float64Array;
  private readonly scratchIm: Float64Array;
  private readonly roots = new Map<number, { re: Float64Array; im: Float64Array }>();

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`FFT size ${size} is not a positive integer`);
    this.stages = [];
    let span = 1;
    for (const radix of factorize(size)) {
      const twiddleRe = new Float64Array((radix - 1) * span);
      const twiddleIm = new Float64Array((radix - 1) * span);
      for (let t = 1; t < radix; t++) {
        for (let k = 0; k < span; k++) {
          const angle = (-2 * Math.PI * t * k) / (span * radix);
          twiddleRe[(t - 1) * span + k] = Math.cos(angle);
          twiddleIm[(t - 1) * span + k] = Math.sin(angle);
        }
      }
      this.stages.push({ radix, span, twiddleRe, twiddleIm });
      if (radix > 4 && !this.roots.has(radix)) {
        this.roots.set(radix, {
          re: Float64Array.from({ length: radix }, (_, n) => Math.cos((-2 * Math.PI * n) / radix)),
          im: Float64Array.from({ length: radix }, (_, n) => Math.sin((-2 * Math.PI * n) / radix)),
        });
      }
      span *= radix;
    }
    this.bufferRe = [new Float64Array(size), new Float64Array(size)];
    this.bufferIm = [new Float64Array(size), new Float64Array(size)];
    this.zeros = new Float64Array(size);
    const largest = Math.max(1, ...this.stages.map((stage) => stage.radix));
    this.scratchRe = new Float64Array(largest);
    this.scratchIm = new Float64Array(largest);
  }

  /** X[k] = Σ x[n]·e^(−2πi·kn/N) into `outRe`/`outIm`; the input is left as it was. */
  transform(inRe: Float64Array, inIm: Float64Array | null, outRe: Float64Array, outIm: Float64Array): void {
    const imaginary = inIm ?? this.zeros;
    const count = this.stages.length;
    if (count === 0) {
      outRe[0] = inRe[0]!;
      outIm[0] = imaginary[0]!;
      return;
    }
    for (let index = 0; index < count; index++) {
      const fromRe = index === 0 ? inRe : this.bufferRe[(index - 1) % 2]!;
      const fromIm = index === 0 ? imaginary : this.bufferIm[(index - 1) % 2]!;
      const toRe = index === count - 1 ? outRe : this.bufferRe[index % 2]!;
      const toIm = index === count - 1 ? outIm : this.bufferIm[index % 2]!;
      this.pass(this.stages[index]!, fromRe, fromIm, toRe, toIm);
    }
  }

  /**
   * One Stockham pass: butterfly i = b·span + k reads x[i + t·N/r] (t < r), twiddles them by
   * e^(−2πi·t·k/(span·r)), and writes its r-point DFT to y[b·span·r + k + q·span].
   */
  private pass({ radix, span, twiddleRe, twiddleIm }: Stage, xRe: Float64Array, xIm: Float64Array, yRe: Float64Array, yIm: Float64Array): void {
    const stride = this.size / radix;
    const blocks = stride / span;
    if (radix === 4) {
      for (let block = 0; block < blocks; block++) {
        for (let k = 0; k < span; k++) {
          const i = block * span + k;
          const o = block * span * 4 + k;
          const w1r = twiddleRe[k]!, w1i = twiddleIm[k]!;
          const w2r = twiddleRe[span + k]!, w2i = twiddleIm[span + k]!;
          const w3r = twiddleRe[2 * span + k]!, w3i = twiddleIm[2 * span + k]!;
          const u0r = xRe[i]!, u0i = xIm[i]!;
          const x1r = xRe[i + stride]!, x1i = xIm[i + stride]!;
          const x2r = xRe[i + 2 * stride]!, x2i = xIm[i + 2 * stride]!;
          const x3r = xRe[i + 3 * stride]!, x3i = xIm[i + 3 * stride]!;
          const u1r = x1r * w1r - x1i * w1i, u1i = x1r * w1i + x1i * w1r;
          const u2r = x2r * w2r - x2i * w2i, u2i = x2r * w2i + x2i * w2r;
          const u3r = x3r * w3r - x3i * w3i, u3i = x3r * w3i + x3i * w3r;
          const ar = u0r + u2r, ai = u0i + u2i;
          const br = u0r - u2r, bi = u0i - u2i;
          const cr = u1r + u3r, ci = u1i + u3i;
          const dr = u1r - u3r, di = u1i - u3i;
          yRe[o] = ar + cr;
          yIm[o] = ai + ci;
          yRe[o + span] = br + di;
          yIm[o + span] = bi - dr;
          yRe[o + 2 * span] = ar - cr;
          yIm[o + 2 * span] = ai - ci;
          yRe[o + 3 * span] = br - di;
          yIm[o + 3 * span] = bi + dr;
        }
      }
    } else if (radix === 2) {
      for (let block = 0; block < blocks; block++) {
        for (let k = 0; k < span; k++) {
          const i = block * span + k;
          const o = block * span * 2 + k;
          const wr = twiddleRe[k]!, wi = twiddleIm[k]!;
          const x1r = xRe[i + stride]!, x1i = xIm[i + stride]!;
          const u1r = x1r * wr - x1i * wi, u1i = x1r * wi + x1i * wr;
          yRe[o] = xRe[i]! + u1r;
          yIm[o] = xIm[i]! + u1i;
          yRe[o + span] = xRe[i]! - u1r;
          yIm[o + span] = xIm[i]! - u1i;
        }
      }
    } else if (radix === 3) {
      const sin60 = Math.sqrt(3) / 2;
      for (let block = 0; block < blocks; block++) {
        for (let k = 0; k < span; k++) {
          const i = block * span + k;
          const o = block * span * 3 + k;
          const w1r = twiddleRe[k]!, w1i = twiddleIm[k]!;
          const w2r = twiddleRe[span + k]!, w2i = twiddleIm[span + k]!;
          const u0r = xRe[i]!, u0i = xIm[i]!;
          const x1r = xRe[i + stride]!, x1i = xIm[i + stride]!;
          const x2r = xRe[i + 2 * stride]!, x2i = xIm[i + 2 * stride]!;
          const u1r = x1r * w1r - x1i * w1i, u1i = x1r * w1i + x1i * w1r;
          const u2r = x2r * w2r - x2i * w2i, u2i = x2r * w2i + x2i * w2r;
          const sr = u1r + u2r, si = u1i + u2i;
          const tr = u1r - u2r, ti = u1i - u2i;
          const mr = u0r - sr / 2, mi = u0i - si / 2;
          yRe[o] = u0r + sr;
          yIm[o] = u0i + si;
          yRe[o + span] = mr + sin60 * ti;
          yIm[o + span] = mi - sin60 * tr;
          yRe[o + 2 * span] = mr - sin60 * ti;
          yIm[o + 2 * span] = mi + sin60 * tr;
        }
      }
    } else {
      const roots = this.roots.get(radix)!;
      const { scratchRe, scratchIm } = this;
      for (let block = 0; block < blocks; block++) {
        for (let k = 0; k < span; k++) {
          const i = block * span + k;
          const o = block * span * radix + k;
          scratchRe[0] = xRe[i]!;
          scratchIm[0] = xIm[i]!;
          for (let t = 1; t < radix; t++) {
            const xr = xRe[i + t * stride]!, xi = xIm[i + t * stride]!;
            const wr = twiddleRe[(t - 1) * span + k]!, wi = twiddleIm[(t - 1) * span + k]!;
            scratchRe[t] = xr * wr - xi * wi;
            scratchIm[t] = xr * wi + xi * wr;
          }
          for (let q = 0; q < radix; q++) {
            let sumRe = 0;
            let sumIm = 0;
            for (let t = 0, angle = 0; t < radix; t++, angle = (angle + q) % radix) {
              const rr = roots.re[angle]!, ri = roots.im[angle]!;
              sumRe += scratchRe[t]! * rr - scratchIm[t]! * ri;
              sumIm += scratchRe[t]! * ri + scratchIm[t]! * rr;
            }
            yRe[o + q * span] = sumRe;
            yIm[o + q * span] = sumIm;
          }
        }
      }
    }
  }
}

/** Radix-4 passes first (fewer of them), then 2, 3, 5 and any other prime. */
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
