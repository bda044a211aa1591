// The streamed mix must be the whole-track mix: the same cues mixed and normalised in one piece
// (mixDub + normalizeLoudness) and in chunks whose edges cut through cues, ducks and peaks.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { integratedLoudness, normalizeLoudness } from '../../../src-main/core/engines/mix/loudness.js';
import { mixDub } from '../../../src-main/core/engines/mix/mix-dub.js';
import { readWav, writeWav } from '../../../src-main/core/media/wav.js';
import type { MixCue } from '../../../src-main/core/pipeline/mix-renderer.js';
import { streamMix } from '../../../src-main/core/pipeline/streaming-mix.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const rate = 48_000;
const minus60Db = 10 ** (-60 / 20);

/** A bed of two detuned tones with a slow swell, so loudness varies along the track. */
function bed(seconds: number, level: number): Float32Array[] {
  return [110, 166].map((frequency) => {
    const samples = new Float32Array(Math.round(seconds * rate));
    for (let i = 0; i < samples.length; i++) samples[i] = level * (0.6 + 0.4 * Math.sin(i / rate)) * Math.sin((2 * Math.PI * frequency * i) / rate);
    return samples;
  });
}

/** Speech-like: a tone with syllable-rate bursts and, when `spiky`, clicks far over the ceiling once normalised. */
function speech(seconds: number, frequency: number, spiky: boolean): Float32Array {
  const samples = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < samples.length; i++) {
    const syllable = Math.max(0, Math.sin((2 * Math.PI * 4 * i) / rate));
    samples[i] = 0.25 * syllable * Math.sin((2 * Math.PI * frequency * i) / rate) + (spiky && i % 9_000 < 40 ? 0.9 : 0);
  }
  return samples;
}

describe('streaming mix', () => {
  const temporary = useTemporaryDirectory();

  function fixture(options: { seconds: number; bedLevel: number; spiky: boolean; cueCount: number }) {
    const dir = temporary();
    const originalPath = path.join(dir, 'original.wav');
    writeWav(originalPath, bed(options.seconds, options.bedLevel), rate);
    const cues: MixCue[] = [];
    for (let index = 0; index < options.cueCount; index++) {
      const file = path.join(dir, `cue-${index}.wav`);
      const length = 1.1 + (index % 3) * 0.45;
      writeWav(file, [speech(length, 200 + index * 37, options.spiky)], rate);
      // Some cues close enough that their ducks join, one overflowing its slot (cut with a fade).
      const startMs = 700 + index * 2_350 + (index % 2) * 113;
      cues.push({ file, placedStartMs: startMs, placedEndMs: startMs + length * 1000 - (index === 2 ? 400 : 0) });
    }
    return { dir, originalPath, cues };
  }

  function wholeTrack(originalPath: string, cues: MixCue[], targetLufs: number) {
    const original = readWav(originalPath);
    const loaded = cues.map((cue) => ({ samples: readWav(cue.file!).channels[0]!, startMs: cue.placedStartMs, endMs: cue.placedEndMs }));
    const { voice, mix } = mixDub({ original: original.channels, sampleRate: rate, cues: loaded });
    return { voice, ...normalizeLoudness(mix, rate, { targetLufs }) };
  }

  async function streamed(dir: string, originalPath: string, cues: MixCue[], targetLufs: number, chunkFrames: number) {
    const voicePath = path.join(dir, `voice-${chunkFrames}.wav`);
    const mixPath = path.join(dir, `mix-${chunkFrames}.wav`);
    const progress: number[] = [];
    const result = await streamMix({ originalPath, cues, targetLufs, voicePath, mixPath, encoded: null, chunkFrames, onProgress: (fraction) => progress.push(fraction), pause: async () => undefined });
    return { result, voice: readWav(voicePath).channels[0]!, mix: readWav(mixPath).channels, progress };
  }

  function largestDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
    expect(a.map((channel) => channel.length)).toEqual(b.map((channel) => channel.length));
    let largest = 0;
    a.forEach((channel, index) => channel.forEach((sample, at) => (largest = Math.max(largest, Math.abs(sample - b[index]![at]!)))));
    return largest;
  }

  it.each([
    ['peaks that need the limiter', { bedLevel: 0.05, spiky: true }],
    ['no peaks over the ceiling', { bedLevel: 0.02, spiky: false }],
  ])('equals the whole-track mix with %s, for chunk edges anywhere', async (_, shape) => {
    const { dir, originalPath, cues } = fixture({ seconds: 16, cueCount: 6, ...shape });
    const reference = wholeTrack(originalPath, cues, -16);
    // Edges at an odd frame count cut through cues, their ducks' ramps and the limiter's look-ahead.
    for (const chunkFrames of [Math.round(rate * 1.37) + 13, 4_801, rate * 20]) {
      const { result, voice, mix, progress } = await streamed(dir, originalPath, cues, -16, chunkFrames);
      expect(result.limited).toBe(shape.spiky);
      expect(result.gainDb).toBeCloseTo(reference.gainDb, 6);
      expect(Math.abs(integratedLoudness(mix, rate) - integratedLoudness(reference.channels, rate))).toBeLessThan(0.1);
      // 16-bit storage is the only difference: far under −60 dB.
      expect(largestDifference(mix, reference.channels)).toBeLessThan(minus60Db);
      expect(largestDifference([voice], [reference.voice])).toBeLessThan(minus60Db);
      expect(progress.every((value, index) => index === 0 || value >= progress[index - 1]!)).toBe(true);
    }
  });

  it('leaves a silent track silent, at 0 dB', async () => {
    const { dir, originalPath } = fixture({ seconds: 3, cueCount: 0, bedLevel: 0, spiky: false });
    const { result, mix } = await streamed(dir, originalPath, [], -16, 10_007);
    expect(result).toMatchObject({ gainDb: 0, limited: false });
    expect(mix.every((channel) => channel.every((sample) => sample === 0))).toBe(true);
  });
});
