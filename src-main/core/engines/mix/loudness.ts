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

/** Sum of K-weighted squares per 100 ms step, weighted and summed over channels. */
function stepEnergies(channels: readonly Float32Array[], sampleRate: number, stepSamples: number): Float64Array {
  const length = channels[0]?.length ?? 0;
  const steps = Math.floor(length / stepSamples);
  const energies = new Float64Array(steps);
  const [shelf, highPass] = kWeightingFilters(sampleRate);
  const weights = channelWeights(channels.length);
  channels.forEach((channel, channelIndex) => {
    const weight = weights[channelIndex] ?? 1;
    if (weight === 0) return;
    // Two direct-form-II biquads in series, state kept in locals for speed.
    let s1 = 0, s2 = 0, h1 = 0, h2 = 0;
    for (let step = 0; step < steps; step++) {
      let sum = 0;
      const end = (step + 1) * stepSamples;
      for (let index = step * stepSamples; index < end; index++) {
        const w = channel[index]! - shelf.a1 * s1 - shelf.a2 * s2;
        const shelved = shelf.b0 * w + shelf.b1 * s1 + shelf.b2 * s2;
        s2 = s1; s1 = w;
        const v = shelved - highPass.a1 * h1 - highPass.a2 * h2;
        const filtered = v - 2 * h1 + h2;
        h2 = h1; h1 = v;
        sum += filtered * filtered;
      }
      energies[step]! += weight * sum;
    }
  });
  return energies;
}

const toLufs = (meanSquare: number): number => -0.691 + 10 * Math.log10(meanSquare);

/**
 * Integrated loudness in LUFS: 400 ms blocks every 100 ms, an absolute gate at −70 LUFS, then a
 * relative gate 10 LU under the loudness of what passed. -Infinity when no block passes (silence,
 * or audio shorter than one 400 ms block, as libebur128 and ffmpeg report it).
 */
export function integratedLoudness(channels: readonly Float32Array[], sampleRate: number): number {
  const stepSamples = Math.round(sampleRate / 10);
  const energies = stepEnergies(channels, sampleRate, stepSamples);
  const blocks = Math.max(0, energies.length - 3);
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
  for (let pass = 0; pass < 2 && limited; pass++) {
    const shortfall = targetLufs - integratedLoudness(output, sampleRate);
    const nextGainDb = Math.min(firstGainDb + 3, gainDb + shortfall);
    if (shortfall < 0.05 || nextGainDb <= gainDb) break;
    gainDb = nextGainDb;
    output = applyGain(channels, gainDb);
    limited = limitPeaks(output, sampleRate, ceiling);
  }
  return { gainDb, channels: output };
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
  const length = channels[0]?.length ?? 0;
  const envelope = new Float32Array(length);
  let needed = false;
  for (let index = 0; index < length; index++) {
    let peak = 0;
    for (const channel of channels) peak = Math.max(peak, Math.abs(channel[index]!));
    envelope[index] = peak > ceiling ? ceiling / peak : 1;
    if (peak > ceiling) needed = true;
  }
  if (!needed) return false;
  // Backward pass: the gain slides down to each dip over the look-ahead, never above what the dip needs.
  const attackStep = 1 / Math.max(1, Math.round(sampleRate * 0.005));
  for (let index = length - 2; index >= 0; index--) envelope[index] = Math.min(envelope[index]!, envelope[index + 1]! + attackStep);
  // Forward pass: release slowly after the dip.
  const releaseStep = 1 / Math.max(1, Math.round(sampleRate * 0.08));
  for (let index = 1; index < length; index++) envelope[index] = Math.min(envelope[index]!, envelope[index - 1]! + releaseStep);
  // Float32 rounding can leave a sample a hair above the ceiling; clamping to the float just
  // under it (two float32 steps down, so rounding cannot land above) makes the bound exact.
  const bound = Math.fround(ceiling * (1 - 2 ** -22));
  for (const channel of channels) {
    for (let index = 0; index < length; index++) {
      const value = channel[index]! * envelope[index]!;
      channel[index] = value > bound ? bound : value < -bound ? -bound : value;
    }
  }
  return true;
}
