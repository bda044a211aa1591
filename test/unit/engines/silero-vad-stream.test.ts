// Streaming detection must not depend on where the audio is cut: Silero's recurrent state, the
// 64-sample context and the open region all carry across chunk edges.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../../src-main/core/engines/audio/resample.js';
import { EspeakSynthesizer } from '../../../src-main/core/engines/tts/espeak-synthesizer.js';
import { SileroVad } from '../../../src-main/core/engines/vad/silero-vad.js';
import type { SpeechRegion } from '../../../src-main/core/engines/vad/voice-activity-detector.js';
import { wavSampleChunks } from '../../../src-main/core/media/wav-chunks.js';
import { readWav, writeWav } from '../../../src-main/core/media/wav.js';
import { rejectionOf } from '../../helpers/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { noise } from './audio-helpers.js';

const rate = 16_000;
const temporary = useTemporaryDirectory('redub-vad-stream-');
let vad: SileroVad;
let samples: Float32Array;
/** Where each line was laid, in samples. */
let lines: { start: number; end: number }[];
let whole: SpeechRegion[];

beforeAll(async () => {
  vad = await SileroVad.load();
  const espeak = await EspeakSynthesizer.load();
  // The last line runs to the end of the audio, so a region is still open when the stream ends.
  samples = noise(11 * rate + 300, 0.002, 3);
  lines = [];
  for (const [text, startMs] of [['Buenos días a todos.', 700], ['El tren sale mañana por la tarde.', 4_100]] as const) {
    const speech = await resample(await espeak.synthesize(text, espeak.voiceFor('es')), espeak.sampleRate, rate);
    const start = (startMs * rate) / 1000;
    for (let sample = 0; sample < speech.length; sample++) samples[start + sample]! += speech[sample]!;
    lines.push({ start, end: start + speech.length });
  }
  const tail = await resample(await espeak.synthesize('Gracias por venir, hasta luego.', espeak.voiceFor('es')), espeak.sampleRate, rate);
  const tailStart = samples.length - tail.length + 2_000;
  for (let sample = 0; tailStart + sample < samples.length; sample++) samples[tailStart + sample]! += tail[sample]!;
  lines.push({ start: tailStart, end: samples.length });
  whole = await vad.detect(samples);
}, 60_000);

afterAll(async () => {
  await vad?.dispose();
});

/**
 * The speech probability of every window a detection runs, read off the model's session: regions
 * hardly move when a window loses its 64-sample context, the probabilities do.
 */
async function probabilitiesOf(detection: () => Promise<unknown>): Promise<number[]> {
  const holder = (vad as unknown as { holder: { session: { run: (feeds: unknown) => Promise<Record<string, { data: Float32Array }>> } } }).holder;
  const session = holder.session;
  const run = session.run.bind(session);
  const probabilities: number[] = [];
  session.run = async (feeds) => {
    const result = await run(feeds);
    probabilities.push(result.output!.data[0]!);
    return result;
  };
  try {
    await detection();
  } finally {
    session.run = run;
  }
  return probabilities;
}

/** `samples` cut at the given positions. */
function cutAt(positions: number[]): Float32Array[] {
  const edges = [0, ...positions, samples.length];
  return edges.slice(1).map((end, index) => samples.subarray(edges[index]!, end));
}

/** `samples` cut into chunks whose sizes cycle through `sizes`. */
function cutInto(sizes: number[]): Float32Array[] {
  const chunks: Float32Array[] = [];
  for (let from = 0, index = 0; from < samples.length; index++) {
    const size = sizes[index % sizes.length]!;
    chunks.push(samples.subarray(from, from + size));
    from += size;
  }
  return chunks;
}

describe('SileroVad.detectStream', () => {
  it('finds speech in the scene, with a region open at the end (so the comparisons below are not of nothing)', () => {
    expect(whole).toHaveLength(3);
    expect(whole.at(-1)!.endMs).toBe(Math.round((samples.length * 1000) / rate));
  });

  it('gives the whole-array regions for chunks of awkward sizes, empty ones included', async () => {
    for (const sizes of [[1, 511, 513, 1_000, 0, 7, 12_345], [100, 37], [777], [samples.length - 5, 5], [512]]) {
      expect(await vad.detectStream({ totalSamples: samples.length, chunks: cutInto(sizes) })).toEqual(whole);
    }
  });

  it('gives the same regions for a cut inside a window and inside a speech region', async () => {
    // Inside the second line, and 100 samples into a 512-sample window.
    const inside = lines[1]!.start + 20 * 512 + 100;
    expect(inside).toBeLessThan(lines[1]!.end);
    // Inside the line still open at the end, one sample before the end.
    const chunks = cutAt([inside, lines[2]!.start + 3, samples.length - 1]);
    expect(await vad.detectStream({ totalSamples: samples.length, chunks })).toEqual(whole);
  });

  it('runs the model on exactly the windows, context and state of the whole-array call', async () => {
    const expected = await probabilitiesOf(() => vad.detect(samples));
    expect(expected).toHaveLength(Math.ceil(samples.length / 512));
    for (const sizes of [[1, 511, 513, 1_000, 0, 7, 12_345], [100, 37]]) {
      expect(await probabilitiesOf(() => vad.detectStream({ totalSamples: samples.length, chunks: cutInto(sizes) }))).toEqual(expected);
    }
  });

  it('takes an async source, and counts the samples that arrive rather than the length announced', async () => {
    async function* source() {
      for (const chunk of cutInto([4_099, 333])) {
        await new Promise((resolve) => setImmediate(resolve));
        yield chunk;
      }
    }
    const progress: number[] = [];
    const regions = await vad.detectStream({ totalSamples: 2 * samples.length, chunks: source() }, {}, (fraction) => progress.push(fraction));
    expect(regions).toEqual(whole);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((value, index) => index === 0 || value >= progress[index - 1]!)).toBe(true);
  });

  it('gives the same regions read from a WAV file a chunk at a time', async () => {
    const file = path.join(temporary(), 'scene.wav');
    writeWav(file, [samples], rate);
    const fromFile = await vad.detect(readWav(file).channels[0]!);
    expect(fromFile).toHaveLength(3);
    expect(await vad.detectStream(wavSampleChunks(file, 3_001))).toEqual(fromFile);
  });

  it('fails with E_VAD_FAILED when the source breaks, and stops reading it', async () => {
    let closed = false;
    function* source() {
      try {
        yield samples.subarray(0, 5_000);
        throw new Error('the disk went away');
      } finally {
        closed = true;
      }
    }
    const error = await rejectionOf(vad.detectStream({ totalSamples: samples.length, chunks: source() }));
    expect(error.code).toBe('E_VAD_FAILED');
    expect(error.details).toEqual(['the disk went away']);
    expect(closed).toBe(true);
  });
});
