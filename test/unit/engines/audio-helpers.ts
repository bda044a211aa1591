// Test signal generators shared by the engine tests.

export function sine(frequency: number, seconds: number, sampleRate: number, amplitude = 0.5): Float32Array {
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  for (let index = 0; index < samples.length; index++) samples[index] = amplitude * Math.sin((2 * Math.PI * frequency * index) / sampleRate);
  return samples;
}

/** Sign changes, a cheap frequency estimate: a sine of f Hz crosses zero 2·f times a second. */
export function zeroCrossings(samples: Float32Array): number {
  let count = 0;
  for (let index = 1; index < samples.length; index++) if ((samples[index - 1]! < 0) !== (samples[index]! < 0)) count++;
  return count;
}

export function rms(samples: Float32Array): number {
  let sum = 0;
  for (const value of samples) sum += value * value;
  return samples.length > 0 ? Math.sqrt(sum / samples.length) : 0;
}

/** Deterministic noise (a small LCG), so failures reproduce. */
export function noise(length: number, amplitude: number, seed = 1): Float32Array {
  const samples = new Float32Array(length);
  let state = seed >>> 0;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    samples[index] = amplitude * ((state / 2 ** 32) * 2 - 1);
  }
  return samples;
}
