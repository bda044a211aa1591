import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MdxNetSeparator, type MdxNetParameters } from '../../../../src-main/core/engines/separation/mdx-net-separator.js';
import { mdxNetChunking } from '../../../../src-main/core/engines/separation/mdx-net-parameters.js';
import { readWav, readWavLayout, writeWav } from '../../../../src-main/core/media/wav.js';
import { WavWriter } from '../../../../src-main/core/media/wav-writer.js';
import { buildOnnxModel, OnnxType } from '../../../fixtures/onnx/onnx-model.js';
import { writeTinyMdxNet, type TinyMdxNetOptions } from '../../../fixtures/onnx/tiny-mdx-net.js';
import { rejectionOf } from '../../../helpers/errors.js';
import { useTemporaryDirectory } from '../../../helpers/temporary-directory.js';
import { rms } from '../audio-helpers.js';

const rate = 44_100;
/** Small dims: chunks of 64 512 samples (1.46 s), 62 464 of them kept. */
const parameters: MdxNetParameters = { nFft: 2048, dimF: 1024, dimT: 64, hop: 1024, compensate: 1, primaryStem: 'vocals' };
const { step } = mdxNetChunking(parameters);
const directory = useTemporaryDirectory('redub-mdx-');

async function separator(model: Partial<TinyMdxNetOptions> = {}, overrides: Partial<MdxNetParameters> = {}, batchSize?: number): Promise<MdxNetSeparator> {
  const file = writeTinyMdxNet(path.join(directory(), `model-${Math.random().toString(36).slice(2)}`), { dimF: parameters.dimF, dimT: parameters.dimT, ...model });
  return MdxNetSeparator.load(file, { ...parameters, ...overrides }, { preference: 'cpu', batchSize });
}

/** A tone faded in and out over 5 ms, as recorded sound starts and stops: a step at either end
 * would carry energy in the lowest bins, which the engine zeroes as UVR does. */
function tone(frequency: number, frames: number, amplitude: number, phase = 0): Float32Array {
  const fade = Math.min(220, Math.floor(frames / 2));
  const gain = (index: number) => {
    const edge = Math.min(index, frames - 1 - index);
    return edge >= fade ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * edge) / fade);
  };
  return Float32Array.from({ length: frames }, (_, index) => gain(index) * amplitude * Math.sin((2 * Math.PI * frequency * index) / rate + phase));
}

function sum(...signals: Float32Array[]): Float32Array {
  return Float32Array.from(signals[0]!, (_, index) => signals.reduce((total, signal) => total + signal[index]!, 0));
}

function difference(a: Float32Array, b: Float32Array): Float32Array {
  return Float32Array.from(a, (value, index) => value - b[index]!);
}

/** The largest sample-to-sample step in samples [from, to). */
function largestJump(samples: Float32Array, from = 1, to = samples.length): number {
  let largest = 0;
  for (let index = Math.max(1, from); index < Math.min(to, samples.length); index++) largest = Math.max(largest, Math.abs(samples[index]! - samples[index - 1]!));
  return largest;
}

/** The test's stereo input as 16-bit WAV, and what 16-bit made of it. */
function inputWav(name: string, left: Float32Array, right: Float32Array): { file: string; left: Float32Array; right: Float32Array } {
  const file = path.join(directory(), name);
  writeWav(file, [left, right], rate);
  const read = readWav(file);
  return { file, left: read.channels[0]!, right: read.channels[1]! };
}

async function separate(engine: MdxNetSeparator, input: string, options: Parameters<MdxNetSeparator['separateFile']>[2] = {}) {
  const stems = { vocals: path.join(directory(), 'vocals.wav'), background: path.join(directory(), 'background.wav') };
  const result = await engine.separateFile(input, stems, options);
  return { result, stems, vocals: readWav(stems.vocals), background: readWav(stems.background) };
}

describe('MdxNetSeparator with an identity model', () => {
  it.each([
    ['one sample', 1],
    ['less than one chunk', 30_001],
    ['exactly two chunks', 2 * step],
    ['two and a half chunks', Math.round(2.5 * step)],
  ])('gives the input back as vocals and silence as background, same frame count and rate (%s)', async (_, frames) => {
    const engine = await separator({ mask: 'identity' });
    try {
      const input = inputWav('input.wav', sum(tone(440, frames, 0.4), tone(1250, frames, 0.2)), tone(660, frames, 0.5, 1));
      const progress: number[] = [];
      const { result, stems, vocals, background } = await separate(engine, input.file, { onProgress: (fraction) => progress.push(fraction) });
      expect(result.frames).toBe(frames);
      for (const stem of [stems.vocals, stems.background]) {
        const layout = readWavLayout(stem);
        expect(layout).toMatchObject({ format: 'int16', channelCount: 2, sampleRate: rate, dataBytes: frames * 4 });
      }
      expect(progress.at(-1)).toBe(1);
      expect(progress.every((value, index) => index === 0 || value >= progress[index - 1]!)).toBe(true);
      // One sample cannot fade: it is a click, flat across the bins, of which the three zeroed are 0.3 %.
      const tolerance = frames === 1 ? 3e-3 : 1e-3;
      expect(rms(difference(vocals.channels[0]!, input.left))).toBeLessThan(tolerance);
      expect(rms(difference(vocals.channels[1]!, input.right))).toBeLessThan(tolerance);
      expect(rms(background.channels[0]!)).toBeLessThan(tolerance);
      expect(rms(background.channels[1]!)).toBeLessThan(tolerance);
    } finally {
      await engine.release();
    }
  });

  it('gives the same stems whatever the batch size, fixed or free, and puts the primary stem where primaryStem says', async () => {
    const frames = Math.round(2.5 * step);
    const input = inputWav('input.wav', sum(tone(300, frames, 0.3), tone(5000, frames, 0.3)), tone(700, frames, 0.4));
    const runs: { vocals: Float32Array[]; background: Float32Array[] }[] = [];
    for (const [model, batchSize] of [[{}, 1], [{}, 2], [{ fixedBatch: 2 }, undefined], [{ fixedBatch: 1, inputName: 'mix', outputName: 'spec' }, undefined]] as const) {
      const engine = await separator({ mask: { belowBin: 100 }, ...model }, {}, batchSize);
      try {
        const { vocals, background } = await separate(engine, input.file);
        runs.push({ vocals: vocals.channels, background: background.channels });
      } finally {
        await engine.release();
      }
    }
    for (const run of runs.slice(1)) {
      for (const channel of [0, 1]) {
        expect(largestJump(difference(run.vocals[channel]!, runs[0]!.vocals[channel]!), 0)).toBe(0);
        expect(Array.from(run.vocals[channel]!)).toEqual(Array.from(runs[0]!.vocals[channel]!));
        expect(Array.from(run.background[channel]!)).toEqual(Array.from(runs[0]!.background[channel]!));
      }
    }
    const instrumental = await separator({ mask: { belowBin: 100 } }, { primaryStem: 'instrumental', compensate: 1.5 });
    try {
      expect(instrumental.version).toMatch(/^\d+\+mdx-2048-1024-64-1024-1\.5-instrumental\+model-[0-9a-f]{12}\+ort-/);
      expect(instrumental.executionProvider).toBe('cpu');
      const { vocals, background } = await separate(instrumental, input.file);
      // The model's output (the low band) is now the background, scaled by compensate; vocals the rest.
      const low = runs[0]!.vocals[0]!;
      const interior = (samples: Float32Array) => samples.subarray(5000, frames - 5000);
      expect(rms(difference(interior(background.channels[0]!), interior(Float32Array.from(low, (value) => 1.5 * value))))).toBeLessThan(1e-4);
      expect(rms(difference(interior(vocals.channels[0]!), interior(difference(input.left, Float32Array.from(low, (value) => 1.5 * value)))))).toBeLessThan(1e-4);
    } finally {
      await instrumental.release();
    }
  });
});

describe('MdxNetSeparator with a band-routing model', () => {
  it('routes the low tone to vocals and the high tone to background, with no clicks where chunks meet', async () => {
    const frames = Math.round(3.5 * step);
    const low = tone(300, frames, 0.3);
    const high = tone(6000, frames, 0.3, 0.5);
    const input = inputWav('input.wav', sum(low, high), sum(tone(450, frames, 0.3), tone(8000, frames, 0.2)));
    const engine = await separator({ mask: { belowBin: 100 } }); // below 2.15 kHz
    try {
      const { vocals, background } = await separate(engine, input.file);
      const inner = (samples: Float32Array) => samples.subarray(4096, frames - 4096);
      const vocalsLeft = vocals.channels[0]!;
      const backgroundLeft = background.channels[0]!;
      // Energy: each stem holds its tone, and the other tone is at least 50 dB down.
      expect(rms(difference(inner(vocalsLeft), inner(low))) / rms(inner(low))).toBeLessThan(3e-3);
      expect(rms(difference(inner(backgroundLeft), inner(high))) / rms(inner(high))).toBeLessThan(3e-3);
      expect(rms(inner(vocals.channels[1]!)) / rms(inner(tone(450, frames, 0.3)))).toBeGreaterThan(0.99);
      // Clicks: around every place one chunk's output meets the next, no step larger than the
      // low tone's own largest step (plus a 16-bit step or two).
      const ownJump = largestJump(low);
      for (let boundary = step; boundary < frames; boundary += step) {
        expect(largestJump(vocalsLeft, boundary - 512, boundary + 512)).toBeLessThanOrEqual(ownJump + 2 / 32768);
        expect(largestJump(difference(vocalsLeft, low), boundary - 512, boundary + 512)).toBeLessThan(1e-3);
        expect(largestJump(backgroundLeft, boundary - 512, boundary + 512)).toBeLessThanOrEqual(largestJump(high) + 2 / 32768);
      }
    } finally {
      await engine.release();
    }
  });

  it('gives silence as vocals and the input as background with a zero model', async () => {
    const frames = step + 100;
    const input = inputWav('input.wav', tone(440, frames, 0.5), tone(880, frames, 0.5));
    const engine = await separator({ mask: 'zero' });
    try {
      const { vocals, background } = await separate(engine, input.file);
      expect(Math.max(...vocals.channels[0]!.map(Math.abs))).toBe(0);
      expect(Array.from(background.channels[1]!)).toEqual(Array.from(input.right));
    } finally {
      await engine.release();
    }
  });
});

describe('MdxNetSeparator refusing what it cannot use', () => {
  it('calls a model whose fixed dims disagree with the parameters E_MODEL_CORRUPT, saying which shape', async () => {
    for (const declaredDims of [['batch', 4, 512, 64], ['batch', 4, 1024, 256], ['batch', 2, 1024, 64], ['batch', 4, 1024]] as const) {
      const file = writeTinyMdxNet(path.join(directory(), `wrong-${declaredDims.join('-')}`), { dimF: typeof declaredDims[2] === 'number' ? declaredDims[2] : 1024, dimT: 64, declaredDims });
      const error = await rejectionOf(MdxNetSeparator.load(file, parameters, { preference: 'cpu', packId: 'uvr-mdx-net-voc-ft' }));
      expect(error.code).toBe('E_MODEL_CORRUPT');
      expect(error.message).toMatch(/MDX-Net/);
      expect(error.action).toContain('redub models install uvr-mdx-net-voc-ft');
      expect(error.details.join(' ')).toContain(`[${declaredDims.join(', ')}]`);
    }
  });

  it('accepts symbolic dims, and checks the output\'s size when the model runs', async () => {
    const symbolic = writeTinyMdxNet(path.join(directory(), 'symbolic'), { dimF: 1024, dimT: 64, declaredDims: ['batch', 'channels', 'bins', 'frames'] });
    await (await MdxNetSeparator.load(symbolic, parameters, { preference: 'cpu' })).release();
    // ONNX Runtime infers the output's bins from the mask (1024): parameters saying 512 are caught at load.
    expect((await rejectionOf(MdxNetSeparator.load(symbolic, { ...parameters, dimF: 512 }, { preference: 'cpu' }))).code).toBe('E_MODEL_CORRUPT');
    // A graph whose output doubles the batch, with nothing fixed to check at load: caught at the first run.
    const doubling = path.join(directory(), 'doubling.onnx');
    writeFileSync(doubling, buildOnnxModel({
      name: 'doubling',
      inputs: [{ name: 'input', type: OnnxType.float, dims: ['batch', 'channels', 'bins', 'frames'] }],
      outputs: [{ name: 'output', type: OnnxType.float, dims: ['batch2', 'channels', 'bins', 'frames'] }],
      nodes: [{ opType: 'Concat', inputs: ['input', 'input'], outputs: ['output'], attributes: [{ name: 'axis', int: 0 }] }],
    }));
    const engine = await MdxNetSeparator.load(doubling, parameters, { preference: 'cpu' });
    try {
      const input = inputWav('input.wav', tone(440, 10_000, 0.5), tone(440, 10_000, 0.5));
      const stems = { vocals: path.join(directory(), 'v.wav'), background: path.join(directory(), 'b.wav') };
      const error = await rejectionOf(engine.separateFile(input.file, stems));
      expect(error.code).toBe('E_MODEL_CORRUPT');
      expect(error.details.join(' ')).toContain('where 262144 float32 values ([1, 4, 1024, 64]) were expected');
      expect(existsSync(stems.vocals) || existsSync(stems.background)).toBe(false);
    } finally {
      await engine.release();
    }
  });

  it('calls a file that is not a model E_MODEL_CORRUPT and a missing one E_MODEL_MISSING', async () => {
    const file = path.join(directory(), 'not-a-model.onnx');
    writeFileSync(file, 'this is not an ONNX file');
    const error = await rejectionOf(MdxNetSeparator.load(file, parameters, { preference: 'cpu' }));
    expect(error.code).toBe('E_MODEL_CORRUPT');
    expect(error.message).toBe('The source-separation model cannot be loaded: the file is damaged or is not an ONNX model.');
    expect(error.details.join(' ')).toContain('not-a-model.onnx');
    expect((await rejectionOf(MdxNetSeparator.load(path.join(directory(), 'absent.onnx'), parameters, { preference: 'cpu' }))).code).toBe('E_MODEL_MISSING');
  });

  it('refuses audio other than 16-bit stereo 44.1 kHz with a sentence, and writes no stems', async () => {
    const engine = await separator();
    try {
      const stems = { vocals: path.join(directory(), 'v.wav'), background: path.join(directory(), 'b.wav') };
      for (const [channels, sampleRate] of [[1, rate], [2, 48_000]] as const) {
        const file = path.join(directory(), `in-${channels}-${sampleRate}.wav`);
        writeWav(file, Array.from({ length: channels }, () => tone(440, 5000, 0.5)), sampleRate);
        const error = await rejectionOf(engine.separateFile(file, stems));
        expect(error.code).toBe('E_INTERNAL');
        expect(error.message).toContain('16-bit stereo WAV at 44.1 kHz');
        expect(error.details.join(' ')).toContain(`${channels} channel(s) at ${sampleRate} Hz`);
      }
      const notWav = path.join(directory(), 'not.wav');
      writeFileSync(notWav, 'hello');
      expect((await rejectionOf(engine.separateFile(notWav, stems))).code).toBe('E_NOT_MEDIA');
    } finally {
      await engine.release();
    }
  });

  it.skipIf(!existsSync('/dev/full'))('calls a full disk E_DISK_FULL (a stem path linked to /dev/full)', async () => {
    const engine = await separator();
    try {
      const input = inputWav('input.wav', tone(440, 5000, 0.5), tone(440, 5000, 0.5));
      const full = path.join(directory(), 'full.wav');
      symlinkSync('/dev/full', full);
      const error = await rejectionOf(engine.separateFile(input.file, { vocals: path.join(directory(), 'v.wav'), background: full }));
      expect(error.code).toBe('E_DISK_FULL');
      expect(existsSync(path.join(directory(), 'v.wav'))).toBe(false);
      expect(existsSync('/dev/full')).toBe(true);
    } finally {
      await engine.release();
    }
  });

  it('stops with E_CANCELLED when aborted, waits on pause, and removes the partial stems', async () => {
    const engine = await separator();
    try {
      const frames = 4 * step;
      const input = inputWav('input.wav', tone(440, frames, 0.5), tone(440, frames, 0.5));
      const controller = new AbortController();
      let pauses = 0;
      const stems = { vocals: path.join(directory(), 'v.wav'), background: path.join(directory(), 'b.wav') };
      const error = await rejectionOf(engine.separateFile(input.file, stems, {
        signal: controller.signal,
        pause: async () => {
          pauses++;
          if (pauses === 2) controller.abort();
          await new Promise((resolve) => setTimeout(resolve, 1));
        },
      }));
      expect(error.code).toBe('E_CANCELLED');
      expect(pauses).toBe(2);
      expect(existsSync(stems.vocals)).toBe(false);
      expect(existsSync(stems.background)).toBe(false);
    } finally {
      await engine.release();
    }
  });
});

describe('MdxNetSeparator memory', () => {
  it('holds the same memory separating two minutes as twenty seconds', async () => {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    /** A stereo tone WAV written a second at a time, so the test itself never holds the track. */
    const longWav = (name: string, seconds: number) => {
      const file = path.join(directory(), name);
      const writer = new WavWriter(file, 2, rate, seconds * rate);
      for (let second = 0; second < seconds; second++) {
        const piece = Float32Array.from({ length: rate }, (_, index) => 0.3 * Math.sin((2 * Math.PI * 440 * (second * rate + index)) / rate));
        writer.write(second * rate, [piece, piece]);
      }
      writer.close();
      return file;
    };
    const engine = await separator({ mask: { belowBin: 100 } }, {}, 2);
    try {
      /** The most memory (JS heap and array buffers, after a full collection) seen while separating. */
      const peak = async (file: string) => {
        let highest = 0;
        await separate(engine, file, {
          onProgress: () => {
            collect();
            const now = process.memoryUsage();
            highest = Math.max(highest, now.heapUsed + now.arrayBuffers);
          },
        });
        return highest;
      };
      const shortWav = longWav('short.wav', 20);
      await peak(shortWav); // the engine's own buffers are made on its first file
      collect();
      const idle = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
      const short = await peak(shortWav);
      const long = await peak(longWav('long.wav', 120));
      // Two minutes of stereo float is 42 MB: holding the track once would show. What is seen is
      // the chunk buffers, one ONNX Runtime output and array buffers freed off-thread.
      const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
      const figures = `idle ${megabytes(idle)}, peak for 20 s ${megabytes(short)}, for 120 s ${megabytes(long)}`;
      expect(long - short, figures).toBeLessThan(16 * 2 ** 20);
      expect(long - idle, figures).toBeLessThan(32 * 2 ** 20);
    } finally {
      await engine.release();
    }
  });
});
