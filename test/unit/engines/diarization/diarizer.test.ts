import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../../../src-main/core/engines/audio/resample.js';
import { Diarizer, speakerDuring, type SpeakerTurn } from '../../../../src-main/core/engines/diarization/diarizer.js';
import { EmbeddingModel, subtractBinMeans } from '../../../../src-main/core/engines/diarization/embedding-model.js';
import { SegmentationModel } from '../../../../src-main/core/engines/diarization/segmentation-model.js';
import { EspeakSynthesizer } from '../../../../src-main/core/engines/tts/espeak-synthesizer.js';
import { arraySamples, type SampleReader } from '../../../../src-main/core/media/wav-chunks.js';
import { RedubError } from '../../../../src-main/shared/errors.js';
import { tinySegmentationParameters, writeTinySegmentation } from '../../../fixtures/onnx/tiny-segmentation.js';
import { tinyEmbeddingExpected, tinyEmbeddingParameters, writeTinySpeakerEmbedding } from '../../../fixtures/onnx/tiny-speaker-embedding.js';
import { alternate, highVoice, lowVoice, voiceLine, type ScriptLine } from './voices.js';

/** The two eSpeak NG voices of the two-voice tests: English's own (a man's pitch) and its f3 variant. */
const espeakVoicePair = ['gmw/en', 'gmw/en+f3'] as const;

let dir: string;
let segmentationPath: string;
let embeddingPath: string;
let diarizer: Diarizer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'redub-diarization-'));
  segmentationPath = writeTinySegmentation(dir);
  embeddingPath = writeTinySpeakerEmbedding(dir);
  diarizer = await Diarizer.load({ segmentationPath, segmentation: tinySegmentationParameters, embeddingPath, embedding: tinyEmbeddingParameters }, { preference: 'cpu' });
});

afterAll(async () => {
  await diarizer?.release();
  rmSync(dir, { recursive: true, force: true });
});

/** Each script line's speaker, by speakerDuring; and that the two voices got one speaker each. */
function expectLinesAssigned(turns: SpeakerTurn[], script: ScriptLine[]): void {
  const speakers = script.map((line) => speakerDuring(turns, line.startMs, line.endMs));
  const a = speakers[script.findIndex((line) => line.voice === 'a')];
  const b = speakers[script.findIndex((line) => line.voice === 'b')];
  expect(a).not.toBeNull();
  expect(b).not.toBeNull();
  expect(a).not.toBe(b);
  expect(speakers).toEqual(script.map((line) => (line.voice === 'a' ? a : b)));
  expect(new Set(turns.map((turn) => turn.speaker)).size).toBe(2);
}

describe('the tiny graphs', () => {
  it('segment a low tone as local speaker 0, a high one as 1, silence as nobody, frame by frame', async () => {
    const model = await SegmentationModel.load(segmentationPath, tinySegmentationParameters, 'cpu');
    try {
      const window = new Float32Array(160_000);
      window.set(voiceLine(lowVoice, 3), 16_000);
      window.set(voiceLine(highVoice, 3), 96_000);
      const activity = await model.activity(window);
      const who = (seconds: number) => {
        const frame = Math.round((seconds * 16_000 - 495) / 270);
        return [0, 1, 2].filter((speaker) => activity[frame * 3 + speaker] === 1);
      };
      expect(who(0.5)).toEqual([]);
      expect(who(2.5)).toEqual([0]);
      expect(who(5)).toEqual([]);
      expect(who(7.5)).toEqual([1]);
      expect(who(9.6)).toEqual([]);
    } finally {
      await model.release();
    }
  });

  it('embed as the fixture says, low and high voices in orthogonal directions, D read from the model', async () => {
    const model = await EmbeddingModel.load(embeddingPath, tinyEmbeddingParameters, 'cpu');
    try {
      expect(model.dimension).toBe(16);
      const low = voiceLine(lowVoice, 2);
      const { frames, features } = model.fbank.compute(low);
      const embedding = await model.embed(low);
      const expected = tinyEmbeddingExpected(features, frames);
      embedding.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 4));
      const high = await model.embed(voiceLine(highVoice, 2));
      const cosine = embedding.reduce((sum, value, index) => sum + value * high[index]!, 0);
      expect(Math.abs(cosine)).toBeLessThan(0.05);
    } finally {
      await model.release();
    }
  });

  it('subtracts each bin\'s mean over the segment for packs that say "global-mean"', async () => {
    const features = Float32Array.from([1, 10, 3, 20, 5, 30]);
    subtractBinMeans(features, 3, 2);
    expect(Array.from(features)).toEqual([-2, -10, 0, 0, 2, 10]);
    // The tiny graph reads the mean log-mel, which normalising zeroes: every voice then looks alike.
    const model = await EmbeddingModel.load(embeddingPath, { ...tinyEmbeddingParameters, normalizeFeatures: 'global-mean' }, 'cpu');
    try {
      const low = await model.embed(voiceLine(lowVoice, 1));
      const high = await model.embed(voiceLine(highVoice, 1));
      low.forEach((value, index) => expect(value).toBeCloseTo(high[index]!, 4));
    } finally {
      await model.release();
    }
  });
});

describe('Diarizer on generated voices', () => {
  it('finds two speakers in two alternating synthetic voices, with turns where the lines are', async () => {
    const seconds = [2.1, 1.6, 2.4, 1.8, 2.0, 1.5, 2.2, 1.9];
    const lines = seconds.map((length, index) => ({ voice: index % 2 === 0 ? ('a' as const) : ('b' as const), samples: voiceLine(index % 2 === 0 ? lowVoice : highVoice, length, 16_000, index) }));
    const { track, script } = alternate(lines, 600);
    const progress: number[] = [];
    const turns = await diarizer.diarize(arraySamples(track, 16_000), { onProgress: (fraction) => progress.push(fraction) });
    expectLinesAssigned(turns, script);
    expect(turns.map((turn) => turn.speaker)).toEqual(['SPEAKER_1', 'SPEAKER_2', 'SPEAKER_1', 'SPEAKER_2', 'SPEAKER_1', 'SPEAKER_2', 'SPEAKER_1', 'SPEAKER_2']);
    turns.forEach((turn, index) => {
      expect(Math.abs(turn.startMs - script[index]!.startMs)).toBeLessThan(250);
      expect(Math.abs(turn.endMs - script[index]!.endMs)).toBeLessThan(250);
    });
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((value, index) => index === 0 || value >= progress[index - 1]!)).toBe(true);
  });

  it('merges the two voices into one speaker when asked for one, and keeps one voice one speaker', async () => {
    const lines = [0, 1, 2, 3].map((index) => ({ voice: index % 2 === 0 ? ('a' as const) : ('b' as const), samples: voiceLine(index % 2 === 0 ? lowVoice : highVoice, 2, 16_000, index) }));
    const { track } = alternate(lines, 500);
    const one = await diarizer.diarize(arraySamples(track, 16_000), { speakerCount: 1 });
    expect(new Set(one.map((turn) => turn.speaker))).toEqual(new Set(['SPEAKER_1']));
    const same = alternate([0, 1, 2].map((index) => ({ voice: 'a' as const, samples: voiceLine(lowVoice, 2, 16_000, index) })), 1200);
    const single = await diarizer.diarize(arraySamples(same.track, 16_000));
    // Gaps of more than half a second (1.2 s, less what the frames' reach spans) stay gaps.
    expect(single.map((turn) => turn.speaker)).toEqual(['SPEAKER_1', 'SPEAKER_1', 'SPEAKER_1']);
  });

  it('assigns each line of two eSpeak NG voices to its own speaker', async () => {
    const espeak = await EspeakSynthesizer.load();
    const texts = [
      'Good morning, the train leaves at nine.',
      'I will bring the tickets and some coffee.',
      'Please remember to call your sister tonight.',
      'The weather looks fine for a walk by the river.',
      'Did you lock the back door?',
      'Yes, and I closed every window too.',
    ];
    const lines = [];
    for (const [index, text] of texts.entries()) {
      const speech = await espeak.synthesize(text, espeakVoicePair[index % 2]!);
      lines.push({ voice: index % 2 === 0 ? ('a' as const) : ('b' as const), samples: await resample(speech, espeak.sampleRate, 16_000) });
    }
    const { track, script } = alternate(lines, 400);
    const turns = await diarizer.diarize(arraySamples(track, 16_000));
    expectLinesAssigned(turns, script);
  });
});

describe('Diarizer edge cases', () => {
  it('gives no turns for silence, and reads an hour a window at a time', async () => {
    const length = 3600 * 16_000;
    const reads: number[] = [];
    let windows = 0;
    const silence: SampleReader = {
      sampleRate: 16_000,
      length,
      read(start, end) {
        reads.push(Math.min(length, end) - Math.max(0, start));
        return new Float32Array(Math.max(0, Math.min(length, end) - Math.max(0, start)));
      },
    };
    // The pause hook stops the run after a few windows: an hour of tiny-model windows would take
    // too long here, and what is checked is how it reads.
    await expect(diarizer.diarize(silence, {
      pause: async () => {
        if (++windows > 20) throw new RedubError('E_CANCELLED');
      },
    })).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(reads).toHaveLength(20);
    expect(Math.max(...reads)).toBe(160_000);
    expect(await diarizer.diarize(arraySamples(new Float32Array(40 * 16_000), 16_000))).toEqual([]);
    expect(await diarizer.diarize(arraySamples(new Float32Array(0), 16_000))).toEqual([]);
  });

  it('diarizes audio shorter than one window', async () => {
    const { track, script } = alternate([
      { voice: 'a', samples: voiceLine(lowVoice, 1.5) },
      { voice: 'b', samples: voiceLine(highVoice, 1.5, 16_000, 2) },
    ], 400);
    expect(track.length).toBeLessThan(160_000);
    const turns = await diarizer.diarize(arraySamples(track, 16_000));
    expectLinesAssigned(turns, script);
    expect(turns.at(-1)!.endMs).toBeLessThanOrEqual((track.length * 1000) / 16_000);
  });

  it('refuses audio at another rate', async () => {
    await expect(diarizer.diarize(arraySamples(new Float32Array(1000), 22_050))).rejects.toMatchObject({ code: 'E_INTERNAL' });
  });

  it('refuses models in the wrong layout with E_MODEL_CORRUPT and a sentence', async () => {
    const load = (segmentation: string, embedding: string) =>
      Diarizer.load({ segmentationPath: segmentation, segmentation: tinySegmentationParameters, embeddingPath: embedding, embedding: tinyEmbeddingParameters }, { preference: 'cpu' });
    const fiveClasses = writeTinySegmentation(path.join(dir, 'five'), { classes: 5 });
    await expect(load(fiveClasses, embeddingPath)).rejects.toMatchObject({ code: 'E_MODEL_CORRUPT', message: expect.stringContaining('[1, 589, 5] where float32 [1, 589, 7] was expected') });
    const fixedInput = writeTinySegmentation(path.join(dir, 'fixed'), { fixedSamples: 80_000 });
    await expect(load(fixedInput, embeddingPath)).rejects.toMatchObject({ code: 'E_MODEL_CORRUPT', message: expect.stringContaining('takes 80000 samples') });
    await expect(load(embeddingPath, segmentationPath)).rejects.toMatchObject({ code: 'E_MODEL_CORRUPT', message: expect.stringContaining('segmentation') });
    const fortyBins = writeTinySpeakerEmbedding(path.join(dir, 'forty'), { melBins: 40 });
    await expect(load(segmentationPath, fortyBins)).rejects.toMatchObject({ code: 'E_MODEL_CORRUPT', message: expect.stringContaining('takes 40 mel bins') });
  });

  it('reports its provider and a version that changes with the pack parameters', async () => {
    expect(diarizer.executionProvider).toBe('cpu');
    const other = await Diarizer.load({ segmentationPath, segmentation: { ...tinySegmentationParameters, windowStepSamples: 32_000 }, embeddingPath, embedding: tinyEmbeddingParameters }, { preference: 'cpu' });
    try {
      expect(other.version).not.toBe(diarizer.version);
      expect(other.version.startsWith('1+')).toBe(true);
    } finally {
      await other.release();
    }
  });
});
