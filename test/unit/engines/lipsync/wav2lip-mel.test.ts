import { describe, expect, it } from 'vitest';
import { StockhamFft } from '../../../../src-main/core/engines/audio/fft.js';
import {
  melBands, melWindowColumns, melWindowForFrame, slaneyMelFilterBank, slaneyMelToHz, hzToSlaneyMel, wav2LipMel, type MelSpectrogram,
} from '../../../../src-main/core/engines/lipsync/wav2lip-mel.js';
import { noise, sine } from '../audio-helpers.js';

function naiveDft(input: Float64Array): { re: Float64Array; im: Float64Array } {
  const size = input.length;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    for (let n = 0; n < size; n++) {
      re[k]! += input[n]! * Math.cos((2 * Math.PI * k * n) / size);
      im[k]! -= input[n]! * Math.sin((2 * Math.PI * k * n) / size);
    }
  }
  return { re, im };
}

/** A spectrogram whose value is its column index, so a window shows which columns it took. */
function columnIndexMel(columns: number): MelSpectrogram {
  const data = new Float32Array(melBands * columns);
  for (let band = 0; band < melBands; band++) for (let column = 0; column < columns; column++) data[band * columns + column] = column;
  return { bands: melBands, columns, data };
}

describe('StockhamFft', () => {
  it.each([800, 12, 7, 1])('matches the plain DFT at length %i', (size) => {
    const input = Float64Array.from(noise(size, 1, size));
    const expected = naiveDft(input);
    const re = new Float64Array(size);
    const im = new Float64Array(size);
    new StockhamFft(size).transform(input, null, re, im);
    for (let k = 0; k < size; k++) {
      expect(re[k]).toBeCloseTo(expected.re[k]!, 9);
      expect(im[k]).toBeCloseTo(expected.im[k]!, 9);
    }
  });
});

describe('wav2LipMel', () => {
  it('gives 80 bands and 1 + ⌊n/200⌋ columns (librosa centre=True), and −4 everywhere for silence', () => {
    const mel = wav2LipMel(new Float32Array(16_000));
    expect(mel.bands).toBe(80);
    expect(mel.columns).toBe(81);
    expect(mel.data).toHaveLength(80 * 81);
    expect(mel.data.every((value) => value === -4)).toBe(true);
    expect(wav2LipMel(new Float32Array(199)).columns).toBe(1);
    expect(wav2LipMel(new Float32Array(0)).columns).toBe(1);
  });

  it('puts a 1 kHz tone\'s peak in the band centred nearest 1 kHz, far above the bands away from it', () => {
    const mel = wav2LipMel(sine(1000, 1, 16_000, 0.5));
    const column = 40;
    const values = Array.from({ length: 80 }, (_, band) => mel.data[band * mel.columns + column]!);
    const peak = values.indexOf(Math.max(...values));
    // Band b is centred on the (b+1)-th of 82 points evenly spaced in Slaney mel from 55 to 7600 Hz.
    const centres = Array.from({ length: 80 }, (_, band) => slaneyMelToHz(hzToSlaneyMel(55) + ((hzToSlaneyMel(7600) - hzToSlaneyMel(55)) * (band + 1)) / 81));
    const nearest = centres.reduce((best, hz, band) => (Math.abs(hz - 1000) < Math.abs(centres[best]! - 1000) ? band : best), 0);
    expect(Math.abs(peak - nearest)).toBeLessThanOrEqual(1);
    expect(values[peak]).toBeGreaterThan(1);
    expect(values[5]).toBe(-4);
    expect(values[75]).toBe(-4);
  });

  it('matches librosa 0.11 running Wav2Lip\'s audio.py (reflect padding) to 1e-5, edge columns included', () => {
    // Two tones and a chirp, half a second: 41 columns. Reference values printed by librosa.stft(
    // preemphasis(wav), n_fft=800, hop_length=200, win_length=800, pad_mode='reflect') through
    // librosa.filters.mel(sr=16000, n_fft=800, n_mels=80, fmin=55, fmax=7600), dB − 20, normalised.
    const wav = Float32Array.from({ length: 8000 }, (_, n) =>
      0.3 * Math.sin((2 * Math.PI * 440 * n) / 16_000) + 0.2 * Math.sin((2 * Math.PI * 2500 * n) / 16_000) + 0.1 * Math.sin((2 * Math.PI * (100 + (3000 * n) / 8000) * n) / 16_000));
    const mel = wav2LipMel(wav);
    expect(mel.columns).toBe(41);
    const reference: [number, number, number][] = [
      [0, 0, -0.197094], [0, 40, -0.070759], [7, 0, -0.381591], [7, 40, 0.312787], [14, 0, -0.719902], [14, 40, -2.003779],
      [21, 40, -0.605741], [28, 0, -2.163573], [35, 40, -0.213782], [42, 0, -0.864369], [42, 13, 0.645241], [42, 40, 0.138191],
      [49, 0, 1.29976], [49, 13, 0.275279], [49, 40, 1.673879], [56, 40, 0.136732], [63, 0, -0.411309], [70, 40, -0.381703],
      [77, 0, -0.592098], [77, 13, -4], [77, 40, -0.643943],
    ];
    for (const [band, column, value] of reference) expect(Math.abs(mel.data[band * mel.columns + column]! - value)).toBeLessThan(1e-5);
  });

  it('is louder for louder audio and stays inside [−4, 4]', () => {
    const quiet = wav2LipMel(noise(8000, 0.01));
    const loud = wav2LipMel(noise(8000, 0.5));
    const mean = (mel: MelSpectrogram) => mel.data.reduce((sum, value) => sum + value, 0) / mel.data.length;
    expect(mean(loud)).toBeGreaterThan(mean(quiet) + 1);
    expect(loud.data.every((value) => value >= -4 && value <= 4)).toBe(true);
  });
});

describe('slaneyMelFilterBank', () => {
  it('has librosa\'s first non-zero bins and weight sums', () => {
    const bank = slaneyMelFilterBank(16_000, 800, 80, 55, 7600);
    const expected: [number, number, number][] = [[0, 3, 0.049364086], [1, 5, 0.049364083], [40, 84, 0.049923554], [79, 353, 0.049979556]];
    for (const [band, firstBin, sum] of expected) {
      expect(bank[band]!.firstBin).toBe(firstBin);
      expect(bank[band]!.weights.reduce((total, weight) => total + weight, 0)).toBeCloseTo(sum, 7);
    }
  });

  it('makes area-normalised triangles: each band\'s weights times the 20 Hz bin width sum to about 1', () => {
    const bank = slaneyMelFilterBank(16_000, 800, 80, 55, 7600);
    expect(bank).toHaveLength(80);
    for (const filter of bank.slice(10)) {
      const area = filter.weights.reduce((sum, weight) => sum + weight, 0) * 20;
      expect(area).toBeGreaterThan(0.9);
      expect(area).toBeLessThan(1.1);
    }
  });

  it('maps Hz to Slaney mel linearly below 1 kHz and logarithmically above, and back', () => {
    expect(hzToSlaneyMel(1000)).toBeCloseTo(15, 10);
    expect(hzToSlaneyMel(200)).toBeCloseTo(3, 10);
    expect(hzToSlaneyMel(6400)).toBeCloseTo(42, 10);
    for (const hz of [55, 700, 1000, 3000, 7600]) expect(slaneyMelToHz(hzToSlaneyMel(hz))).toBeCloseTo(hz, 8);
  });
});

describe('melWindowForFrame', () => {
  const firstColumn = (window: Float32Array) => window[0];

  it('starts frame i\'s 16 columns at ⌊80·i/25⌋ at 25 fps', () => {
    const mel = columnIndexMel(200);
    expect(Array.from(melWindowForFrame(mel, 0, 25).subarray(0, 16))).toEqual(Array.from({ length: 16 }, (_, index) => index));
    expect(firstColumn(melWindowForFrame(mel, 1, 25))).toBe(3);
    expect(firstColumn(melWindowForFrame(mel, 2, 25))).toBe(6);
    expect(firstColumn(melWindowForFrame(mel, 5, 25))).toBe(16);
    expect(firstColumn(melWindowForFrame(mel, 7, 25))).toBe(22);
    // Every band holds the same columns.
    const window = melWindowForFrame(mel, 7, 25);
    expect(window).toHaveLength(80 * 16);
    expect(window[79 * 16 + 15]).toBe(37);
  });

  it('starts at ⌊80·i/30⌋ at 30 fps', () => {
    const mel = columnIndexMel(200);
    expect([1, 2, 3, 4, 29].map((frame) => firstColumn(melWindowForFrame(mel, frame, 30)))).toEqual([2, 5, 8, 10, 77]);
  });

  it('takes the last 16 columns where the window runs past the end, and pads a short spectrogram with silence', () => {
    const mel = columnIndexMel(40);
    expect(firstColumn(melWindowForFrame(mel, 9, 25))).toBe(24);
    expect(firstColumn(melWindowForFrame(mel, 100, 25))).toBe(24);
    const short = melWindowForFrame(columnIndexMel(5), 3, 25);
    expect(Array.from(short.subarray(0, melWindowColumns))).toEqual([0, 1, 2, 3, 4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4]);
  });

  it('refuses a negative or fractional frame and a non-positive fps', () => {
    const mel = columnIndexMel(40);
    expect(() => melWindowForFrame(mel, -1, 25)).toThrow(RangeError);
    expect(() => melWindowForFrame(mel, 1.5, 25)).toThrow(RangeError);
    expect(() => melWindowForFrame(mel, 1, 0)).toThrow(RangeError);
  });
});
