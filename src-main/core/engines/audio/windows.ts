// Owns the window and padding every short-time spectrum in Redub shares (separation's STFT,
// Wav2Lip's mel): the periodic Hann window of torch.hann_window(periodic=True) and scipy's
// get_window('hann', fftbins=True), and numpy/torch 'reflect' padding.

/** 0.5 − 0.5·cos(2πn/N), n = 0…N−1. */
export function periodicHann(size: number): Float64Array {
  const window = new Float64Array(size);
  for (let index = 0; index < size; index++) window[index] = 0.5 - 0.5 * Math.cos((2 * Math.PI * index) / size);
  return window;
}

/** The sample 'reflect' padding reads at `index` (the edge sample is not repeated: x[−1] = x[1]), folding again for short signals. */
export function reflectIndex(index: number, length: number): number {
  if (length === 1) return 0;
  const period = 2 * (length - 1);
  let folded = index % period;
  if (folded < 0) folded += period;
  return folded < length ? folded : period - folded;
}
