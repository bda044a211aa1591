// Owns Wav2Lip's audio features (Rudrabha/Wav2Lip audio.py with hparams.py): the normalised
// 80-band log-mel spectrogram of 16 kHz mono audio, 80 columns a second, and the 80×16 window
// each video frame is rendered from (inference.py). Written out here rather than taken from
// transformers.js, whose package entry does not export its spectrogram helpers.
//
// The steps, as librosa 0.7 (Wav2Lip's pin) does them:
// - pre-emphasis y[n] = x[n] − 0.97·x[n−1] over the whole signal;
// - STFT, n_fft 800, hop 200, periodic Hann window of 800, centred: 400 samples of reflect
//   padding each side, so column t is centred on sample 200·t and there are 1 + ⌊n/200⌋ columns;
// - magnitude, then librosa's default mel filterbank: Slaney mel scale, Slaney (area) norm,
//   80 bands from 55 to 7600 Hz;
// - 20·log10(max(1e-5, mel)) − 20 dB, then clip(0.08·S + 4, −4, 4): silence is −4.

import { StockhamFft } from '../audio/fft.js';
import { periodicHann, reflectIndex } from '../audio/windows.js';

export const melSampleRate = 16_000;
export const melBands = 80;
export const melHop = 200;
/** Mel columns per second of audio (16 000 / hop 200). */
export const melColumnsPerSecond = melSampleRate / melHop;
/** Columns in the window of one video frame (200 ms). */
export const melWindowColumns = 16;

const fftSize = 800;
const frequencyBins = fftSize / 2 + 1;
const preemphasis = 0.97;
const minMagnitude = 1e-5;
const referenceDb = 20;
const maxAbsValue = 4;

export interface MelSpectrogram {
  bands: number;
  columns: number;
  /** Band-major, as Wav2Lip's (80, T) array: data[band · columns + column]. */
  data: Float32Array;
}

interface MelFilter {
  firstBin: number;
  weights: Float64Array;
}

let filterBank: MelFilter[] | null = null;
let fft: StockhamFft | null = null;
let hannWindow: Float64Array | null = null;

/** Wav2Lip's normalised log-mel spectrogram of 16 kHz mono samples in [−1, 1]. */
export function wav2LipMel(samples16k: Float32Array): MelSpectrogram {
  filterBank ??= slaneyMelFilterBank(melSampleRate, fftSize, melBands, 55, 7600);
  fft ??= new StockhamFft(fftSize);
  hannWindow ??= periodicHann(fftSize);
  // librosa cannot pad an empty signal; one sample of silence gives one silent column instead.
  const signal = preemphasize(samples16k.length > 0 ? samples16k : new Float32Array(1));
  const columns = 1 + Math.floor(signal.length / melHop);
  const data = new Float32Array(melBands * columns);
  const frame = new Float64Array(fftSize);
  const spectrumRe = new Float64Array(fftSize);
  const spectrumIm = new Float64Array(fftSize);
  const magnitude = new Float64Array(frequencyBins);
  const half = fftSize / 2;
  for (let column = 0; column < columns; column++) {
    const start = column * melHop - half;
    for (let index = 0; index < fftSize; index++) frame[index] = signal[reflectIndex(start + index, signal.length)]! * hannWindow[index]!;
    fft.transform(frame, null, spectrumRe, spectrumIm);
    for (let bin = 0; bin < frequencyBins; bin++) magnitude[bin] = Math.hypot(spectrumRe[bin]!, spectrumIm[bin]!);
    for (let band = 0; band < melBands; band++) {
      const { firstBin, weights } = filterBank[band]!;
      let energy = 0;
      for (let tap = 0; tap < weights.length; tap++) energy += weights[tap]! * magnitude[firstBin + tap]!;
      data[band * columns + column] = normalizeDb(20 * Math.log10(Math.max(minMagnitude, energy)) - referenceDb);
    }
  }
  return { bands: melBands, columns, data };
}

/**
 * The 80×16 window (band-major) video frame `frameIndex` is rendered from: columns from
 * ⌊80·i/fps⌋, or the last 16 columns where that runs past the end (Wav2Lip's inference.py). A
 * spectrogram shorter than 16 columns (under 0.2 s of audio) is padded with silence (−4).
 */
export function melWindowForFrame(mel: MelSpectrogram, frameIndex: number, fps: number, into = new Float32Array(mel.bands * melWindowColumns)): Float32Array {
  if (!(fps > 0)) throw new RangeError(`fps ${fps} is not positive`);
  if (!Number.isInteger(frameIndex) || frameIndex < 0) throw new RangeError(`frame index ${frameIndex} is not a whole number ≥ 0`);
  let start = Math.floor((melColumnsPerSecond * frameIndex) / fps);
  if (start + melWindowColumns > mel.columns) start = Math.max(0, mel.columns - melWindowColumns);
  const taken = Math.min(melWindowColumns, mel.columns - start);
  into.fill(-maxAbsValue);
  for (let band = 0; band < mel.bands; band++) {
    const from = band * mel.columns + start;
    into.set(mel.data.subarray(from, from + taken), band * melWindowColumns);
  }
  return into;
}

/**
 * librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax) with its defaults (htk=False, norm='slaney'):
 * triangles between adjacent Slaney-mel points, each scaled by 2 / (its width in Hz).
 * Each filter is returned as its run of non-zero weights over the FFT bins.
 */
export function slaneyMelFilterBank(sampleRate: number, nFft: number, bands: number, minHz: number, maxHz: number): { firstBin: number; weights: Float64Array }[] {
  const bins = Math.floor(nFft / 2) + 1;
  const binHz = (bin: number) => (bin * sampleRate) / nFft;
  const minMel = hzToSlaneyMel(minHz);
  const maxMel = hzToSlaneyMel(maxHz);
  const points = Array.from({ length: bands + 2 }, (_, index) => slaneyMelToHz(minMel + ((maxMel - minMel) * index) / (bands + 1)));
  const filters: MelFilter[] = [];
  for (let band = 0; band < bands; band++) {
    const lower = points[band]!;
    const centre = points[band + 1]!;
    const upper = points[band + 2]!;
    const norm = 2 / (upper - lower);
    // A triangle is one run of bins; a band narrower than a bin (none here) keeps no weights.
    const values: number[] = [];
    let firstBin = 0;
    for (let bin = 0; bin < bins; bin++) {
      const hz = binHz(bin);
      const weight = Math.max(0, Math.min((hz - lower) / (centre - lower), (upper - hz) / (upper - centre)));
      if (weight <= 0) continue;
      if (values.length === 0) firstBin = bin;
      values.push(weight * norm);
    }
    filters.push({ firstBin, weights: Float64Array.from(values) });
  }
  return filters;
}

const slaneyLinearHzPerMel = 200 / 3;
const slaneyLogStartHz = 1000;
const slaneyLogStartMel = slaneyLogStartHz / slaneyLinearHzPerMel;
const slaneyLogStep = Math.log(6.4) / 27;

export function hzToSlaneyMel(hz: number): number {
  return hz >= slaneyLogStartHz ? slaneyLogStartMel + Math.log(hz / slaneyLogStartHz) / slaneyLogStep : hz / slaneyLinearHzPerMel;
}

export function slaneyMelToHz(mel: number): number {
  return mel >= slaneyLogStartMel ? slaneyLogStartHz * Math.exp(slaneyLogStep * (mel - slaneyLogStartMel)) : mel * slaneyLinearHzPerMel;
}

function normalizeDb(db: number): number {
  const scaled = 2 * maxAbsValue * ((db + 100) / 100) - maxAbsValue;
  return Math.min(maxAbsValue, Math.max(-maxAbsValue, scaled));
}

function preemphasize(samples: Float32Array): Float64Array {
  const out = new Float64Array(samples.length);
  let previous = 0;
  for (let index = 0; index < samples.length; index++) {
    const value = samples[index]!;
    out[index] = value - preemphasis * previous;
    previous = value;
  }
  return out;
}

