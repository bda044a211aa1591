// Owns loudness measurement (ITU-R BS.1770-4 / EBU R128 integrated) and loudness normalisation.

interface Biquad {
  b0: number; b1: number; b2: number; a1: number; a2: number;
}

/**
 * The two K-weighting stages, derived for the actual sample rate (libebur128's formulation);
 * at 48 kHz they reproduce the coefficient table printed in BS.1770.
 */
function kWeightingFilters(sampleRate: number): [Biquad, Biquad] {
  let k = Math.tan((Math.PI * 1681.974450955533) / sampleRate);
  let q = 0.7071752369554196;
  const vh = 10 ** (3.999843853973347 / 20);
  const vb = vh ** 0.4996667741545416;
  let a0 = 1 + k / q + k * k;
  const shelf: Biquad = {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
  k = Math.tan((Math.PI * 38.13547087602444) / sampleRate);
  q = 0.5003270373238773;
  a0 = 1 + k / q + k * k;
  const highPass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
  return [shelf, highPass];
}

/** BS.1770 channel weights: 1 for front channels, 1.41 for surrounds, 0 for LFE (5.1 order L R C LFE Ls Rs). */
function channelWeights(count: number): number[] {
  if (count === 6) return [1, 1, 1, 0, 1.41, 1.41];
  return new Array<number>(count).fill(1);
}

const toLufs = (meanSquare: number): number => -0.691 + 10 * Math.log10(meanSquare);

/**
 * Measures integrated loudness from audio pushed in pieces of any size: the K-weighting filters'
 * state and the part of a 100 ms step still open carry across pieces, so the result equals one
 * measurement of the whole track while holding only one number per 100 ms step (36,000 an hour).
 */
export class LoudnessMeter {
  private readonly stepSamples: number;
  private readonly filters: [Biquad, Biquad];
  private readonly weights: number[];
  private readonly states: Float64Array[];
  private readonly open: Float64Array;
  private filled = 0;
  private energies = new Float64Array(1024);
  private steps = 0;

  constructor(sampleRate: number, channelCount: number) {
    this.stepSamples = Math.round(sampleRate / 10);
    this.filters = kWeightingFilters(sampleRate);
    this.weights = channelWeights(channelCount);
    this.states = Array.from({ length: channelCount }, () => new Float64Array(4));
    this.open = new Float64Array(channelCount);
  }

  push(channels: readonly Float32Array[]): void {
    const length = channels[0]?.length ?? 0;
    for (let offset = 0; offset < length; ) {
      const take = Math.min(length - offset, this.stepSamples - this.filled);
      channels.forEach((channel, index) => {
        if ((this.weights[index] ?? 1) !== 0) this.open[index]! += this.filter(channel, index, offset, offset + take);
      });
      offset += take;
      this.filled += take;
      if (this.filled === this.stepSamples) this.closeStep();
    }
  }

  /** Integrated loudness in LUFS of everything pushed so far (see integratedLoudness). */
  integrated(): number {
    const { energies, stepSamples } = this;
    const blocks = Math.max(0, this.steps - 3);
    const blockPower = new Float64Array(blocks);
    for (let block = 0; block < blocks; block++) {
      blockPower[block] = (energies[block]! + energies[block + 1]! + energies[block + 2]! + energies[block + 3]!) / (4 * stepSamples);
    }
    const absoluteGate = 10 ** ((-70 + 0.691) / 10);
    const gatedMean = (gate: number): number => {
      let sum = 0;
      let count = 0;
      for (let block = 0; block < blocks; block++) {
        if (blockPower[block]! > gate) {
          sum += blockPower[block]!;
          count++;
        }
      }
      return count > 0 ? sum / count : 0;
    };
    const firstPass = gatedMean(absoluteGate);
    if (firstPass === 0) return Number.NEGATIVE_INFINITY;
    const relativeGate = firstPass * 10 ** (-10 / 10);
    const secondPass = gatedMean(Math.max(absoluteGate, relativeGate));
    return secondPass > 0 ? toLufs(secondPass) : Number.NEGATIVE_INFINITY;
  }

  /** Two direct-form-II biquads in series over [from, to); the sum of the squares. State kept in locals for speed. */
  private filter(channel: Float32Array, index: number, from: number, to: number): number {
    const [shelf, highPass] = this.filters;
    const state = this.states[index]!;
    let [s1, s2, h1, h2] = state as unknown as [number, number, number, number];
    let sum = 0;
    for (let sample = from; sample < to; sample++) {
      const w = channel[sample]! - shelf.a1 * s1 - shelf.a2 * s2;
      const shelved = shelf.b0 * w + shelf.b1 * s1 + shelf.b2 * s2;
      s2 = s1; s1 = w;
      const v = shelved - highPass.a1 * h1 - highPass.a2 * h2;
      const filtered = v - 2 * h1 + h2;
      h2 = h1; h1 = v;
      sum += filtered * filtered;
    }
    state[0] = s1; state[1] = s2; state[2] = h1; state[3] = h2;
    return sum;
  }

  private closeStep(): void {
    if (this.steps === this.energies.length) {
      const grown = new Float64Array(this.energies.length * 2);
      grown.set(this.energies);
      this.energies = grown;
    }
    let energy = 0;
    this.open.forEach((sum, index) => (energy += (this.weights[index] ?? 1) * sum));
    this.energies[this.steps++] = energy;
    this.open.fill(0);
    this.filled = 0;
  }
}

/**
 * Integrated loudness in LUFS: 400 ms blocks every 100 ms, an absolute gate at −70 LUFS, then a
 * relative gate 10 LU under the loudness of what passed. -Infinity when no block passes (silence,
 * or audio shorter than one 400 ms block, as libebur128 and ffmpeg report it).
 */
export function integratedLoudness(channels: readonly Float32Array[], sampleRate: number): number {
  const meter = new LoudnessMeter(sampleRate, channels.length);
  meter.push(channels);
  return meter.integrated();
}

export interface NormalizeOptions {
  targetLufs?: number;
  /** Sample-peak ceiling in dBFS. */
  ceilingDb?: number;
}

/**
 * One gain to reach the target, then a look-ahead peak limiter: the gain dips smoothly ahead of
 * a peak (5 ms) and recovers slowly after it (80 ms), so peaks are held under the ceiling without
 * the distortion a clipper adds. Limiting lowers loudness a little on peaky material, so the gain
 * is corrected from the limited result (at most twice, and by at most 3 dB in all, so a track of
 * isolated clicks is not pumped up). Silence is returned unchanged (gain 0 dB).
 */
export function normalizeLoudness(
  channels: readonly Float32Array[],
  sampleRate: number,
  options: NormalizeOptions = {},
): { gainDb: number; channels: Float32Array[] } {
  const targetLufs = options.targetLufs ?? -16;
  const ceiling = 10 ** ((options.ceilingDb ?? -1) / 20);
  const measured = integratedLoudness(channels, sampleRate);
  if (!Number.isFinite(measured)) return { gainDb: 0, channels: channels.map((channel) => channel.slice()) };

  const firstGainDb = targetLufs - measured;
  let gainDb = firstGainDb;
  let output = applyGain(channels, gainDb);
  let limited = limitPeaks(output, sampleRate, ceiling);
  for (let pass = 0; pass < gainCorrections && limited; pass++) {
    const nextGainDb = correctedGainDb(targetLufs, firstGainDb, gainDb, integratedLoudness(output, sampleRate));
    if (nextGainDb === null) break;
    gainDb = nextGainDb;
    output = applyGain(channels, gainDb);
    limited = limitPeaks(output, sampleRate, ceiling);
  }
  return { gainDb, channels: output };
}

/** How many times the gain is corrected from the limited result (the loop above, and the streamed mix's). */
export const gainCorrections = 2;

/**
 * The gain after measuring the limited result at `gainDb`: raised by the loudness the limiter
 * took, by at most 3 dB over the first gain in all; null when it stands (within 0.05 LU, or no higher).
 */
export function correctedGainDb(targetLufs: number, firstGainDb: number, gainDb: number, limitedLufs: number): number | null {
  const shortfall = targetLufs - limitedLufs;
  const nextGainDb = Math.min(firstGainDb + 3, gainDb + shortfall);
  return shortfall < 0.05 || nextGainDb <= gainDb ? null : nextGainDb;
}

function applyGain(channels: readonly Float32Array[], gainDb: number): Float32Array[] {
  const gain = 10 ** (gainDb / 20);
  return channels.map((channel) => {
    const scaled = new Float32Array(channel.length);
    for (let index = 0; index < channel.length; index++) scaled[index] = channel[index]! * gain;
    return scaled;
  });
}

/** Limits in place; false when no sample was over the ceiling (nothing changed). */
function limitPeaks(channels: Float32Array[], sampleRate: number, ceiling: number): boolean {
  if (peakOf(channels) <= ceiling) return false;
  new PeakLimiter(sampleRate, ceiling).process(channels, []);
  return true;
}

/** The largest absolute sample over all channels. */
export function peakOf(channels: readonly Float32Array[]): number {
  let peak = 0;
  for (const channel of channels) {
    for (let index = 0; index < channel.length; index++) {
      const value = Math.abs(channel[index]!);
      if (value > peak) peak = value;
    }
  }
  return peak;
}

/**
 * The look-ahead limiter, over a track given in consecutive blocks: the gain slides down to each
 * peak over 5 ms before it (so each block needs the next `lookaheadFrames` of audio) and recovers
 * over 80 ms after it (carried from block to block). Blocks given this way come out exactly as the
 * whole track limited at once; a limiter started `settleFrames` before a block, with those frames
 * processed and dropped, gives that block exactly too — the release forgets what came earlier.
 */
export class PeakLimiter {
  readonly lookaheadFrames: number;
  readonly settleFrames: number;
  private readonly attackStep: number;
  private readonly releaseStep: number;
  private readonly bound: number;
  private carried = 1;

  constructor(sampleRate: number, private readonly ceiling: number) {
    this.lookaheadFrames = Math.max(1, Math.round(sampleRate * 0.005));
    this.settleFrames = Math.max(1, Math.round(sampleRate * 0.08));
    this.attackStep = 1 / this.lookaheadFrames;
    this.releaseStep = 1 / this.settleFrames;
    // Float32 rounding can leave a sample a hair above the ceiling; clamping to the float just
    // under it (two float32 steps down, so rounding cannot land above) makes the bound exact.
    this.bound = Math.fround(ceiling * (1 - 2 ** -22));
  }

  /** Limits `block` in place; `next` is the audio that follows it (at least lookaheadFrames, or all there is). */
  process(block: Float32Array[], next: readonly Float32Array[]): void {
    const length = block[0]?.length ?? 0;
    const ahead = Math.min(this.lookaheadFrames, next[0]?.length ?? 0);
    const envelope = new Float32Array(length + ahead);
    const { ceiling } = this;
    for (let index = 0; index < length + ahead; index++) {
      let peak = 0;
      for (let channel = 0; channel < block.length; channel++) {
        const value = index < length ? block[channel]![index]! : next[channel]![index - length]!;
        peak = Math.max(peak, Math.abs(value));
      }
      envelope[index] = peak > ceiling ? ceiling / peak : 1;
    }
    // Backward pass: the gain slides down to each dip over the look-ahead, never above what the dip needs.
    for (let index = length + ahead - 2; index >= 0; index--) envelope[index] = Math.min(envelope[index]!, envelope[index + 1]! + this.attackStep);
    // Forward pass: release slowly after the dip.
    let previous = this.carried;
    for (let index = 0; index < length; index++) {
      previous = envelope[index] = Math.min(envelope[index]!, previous + this.releaseStep);
    }
    this.carried = previous;
    const { bound } = this;
    for (const channel of block) {
      for (let index = 0; index < length; index++) {
        const value = channel[index]! * envelope[index]!;
        channel[index] = value > bound ? bound : value < -bound ? -bound : value;
      }
    }
  }
}
