// Owns MDX-Net source separation on ONNX Runtime (the UVR-MDX-NET models UVR, pyVideoTrans and
// audio-separator run): a 44.1 kHz stereo WAV cut into chunks as UVR cuts it, each chunk's STFT
// (first dim_f bins, the lowest 3 zeroed as UVR does) through the model, the model's spectrum back
// to samples, n_fft/2 trimmed from each end, times `compensate`: that is the primary stem, and the
// input minus it is the other. Chunks stream from the input file to the two stem files, a batch
// at a time, so memory stays the same for a minute or an hour.

import { createHash } from 'node:crypto';
import { existsSync, lstatSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { RedubError } from '../../../shared/errors.js';
import { pcm16Frames, readWavLayout } from '../../media/wav.js';
import { readWavFrames } from '../../media/wav-frames.js';
import { WavWriter } from '../../media/wav-writer.js';
import {
  createSessionWithFallback, runWithFallback, shortReason, type ExecutionPreference, type ExecutionProviderName, type SessionHolder,
} from '../../models/execution-providers.js';
import { engineRevisions, packageVersion } from '../revisions.js';
import { mdxNetChunkCount, mdxNetChunking, type MdxNetChunking, type MdxNetParameters } from './mdx-net-parameters.js';
import type { SeparateOptions, SourceSeparator, StemPaths } from './source-separator.js';
import { StereoStft } from './stft.js';

export { mdxNetParameters, type MdxNetParameters } from './mdx-net-parameters.js';

/** Bump when the stems for the same model and input change (chunking, windowing, bin handling). */
export const mdxNetRevision = engineRevisions['mdx-net'];

/** The only audio the engine takes; the stage converts anything else first. */
export const mdxNetSampleRate = 44_100;
export const mdxNetChannels = 2;

/** UVR zeroes the lowest bins of every spectrum before the model sees it (sub-20 Hz rumble). */
const zeroedLowBins = 3;

function reinstall(packId: string | undefined): string {
  const install = packId ? `\`redub models install ${packId}\`` : '`redub models install <id>`';
  return `Install the separation model pack again with ${install}; if it keeps failing, fix the pack's parameters in the model catalog.`;
}

/** Chunks a run takes on a GPU where the batch axis is free (12.6 MB of input each at UVR's dims). */
const gpuBatch = 4;

export interface MdxNetLoadOptions {
  preference: ExecutionPreference;
  log?: (message: string) => void;
  /** Chunks per session run where the model's batch axis is symbolic (default 1 on the CPU, 4 on a GPU). */
  batchSize?: number;
  /** The pack the model came from, named in the errors' next step. */
  packId?: string;
}

export class MdxNetSeparator implements SourceSeparator {
  readonly version: string;
  private readonly chunking: MdxNetChunking;
  private readonly stft: StereoStft;

  private constructor(
    private readonly holder: SessionHolder,
    private readonly model: ModelFile,
    readonly parameters: MdxNetParameters,
    private readonly inputName: string,
    private readonly outputName: string,
    /** The graph's fixed batch size, or null where the axis is symbolic. */
    private readonly fixedBatch: number | null,
    private readonly batchSize: number,
  ) {
    this.chunking = mdxNetChunking(parameters);
    this.stft = new StereoStft(parameters.nFft, parameters.hop);
    this.version = mdxNetVersion(model.path, parameters);
  }

  /**
   * Loads the ONNX file; a file ONNX Runtime cannot load, or whose input or output has a fixed
   * dimension the parameters disagree with, is E_MODEL_CORRUPT.
   */
  static async load(modelPath: string, parameters: MdxNetParameters, options: MdxNetLoadOptions): Promise<MdxNetSeparator> {
    if (!existsSync(modelPath) || !statSync(modelPath).isFile()) {
      throw new RedubError('E_MODEL_MISSING', {
        message: 'The source-separation model file is missing.',
        details: [`Expected at: ${modelPath}`],
        ...(options.packId ? { action: `Run \`redub models install ${options.packId}\`.` } : {}),
      });
    }
    const holder = await createSessionWithFallback(modelPath, {
      preference: options.preference,
      sessionOptions: { graphOptimizationLevel: 'all' },
      log: options.log,
      errorCode: 'E_MODEL_CORRUPT',
      errorDetails: [`ONNX Runtime could not load ${modelPath}.`],
    }).catch((error: unknown) => {
      // E_MODEL_CORRUPT's own sentence is about checksums; this file passed its checksum, if it had one.
      if (!(error instanceof RedubError) || error.code !== 'E_MODEL_CORRUPT') throw error;
      throw new RedubError('E_MODEL_CORRUPT', {
        message: 'The source-separation model cannot be loaded: the file is damaged or is not an ONNX model.',
        details: error.details,
        action: reinstall(options.packId),
        cause: error,
      });
    });
    try {
      const session = holder.session;
      const inputName = session.inputNames[0];
      const outputName = session.outputNames[0];
      const model = { path: modelPath, packId: options.packId };
      if (inputName === undefined || outputName === undefined) throw notMdxNet(model, 'It has no input or no output.');
      const expected = [parameters.dimF, parameters.dimT];
      const inputBatch = checkShape(model, 'input', inputName, session.inputMetadata, expected);
      const outputBatch = checkShape(model, 'output', outputName, session.outputMetadata, expected);
      const fixedBatch = inputBatch ?? outputBatch;
      const batchSize = fixedBatch ?? Math.max(1, Math.floor(options.batchSize ?? (holder.provider === 'cpu' ? 1 : gpuBatch)));
      return new MdxNetSeparator(holder, model, parameters, inputName, outputName, fixedBatch, batchSize);
    } catch (error) {
      await holder.session.release().catch(() => undefined);
      throw error;
    }
  }

  get executionProvider(): ExecutionProviderName {
    return this.holder.provider;
  }

  /**
   * Separates a 16-bit stereo 44.1 kHz WAV into two stereo 16-bit WAVs of the same frame count,
   * chunk by chunk. On failure or cancel both stem files are removed.
   */
  async separateFile(inputWav: string, stems: StemPaths, options: SeparateOptions = {}): Promise<{ frames: number }> {
    const frames = inputFrames(inputWav);
    const writers: WavWriter[] = [];
    try {
      const vocals = new WavWriter(stems.vocals, mdxNetChannels, mdxNetSampleRate, frames);
      writers.push(vocals);
      const background = new WavWriter(stems.background, mdxNetChannels, mdxNetSampleRate, frames);
      writers.push(background);
      const [primary, other] = this.parameters.primaryStem === 'vocals' ? [vocals, background] : [background, vocals];
      await this.separateInto(inputWav, frames, primary, other, options);
      for (const writer of writers.splice(0)) writer.close(true);
      options.onProgress?.(1);
      return { frames };
    } catch (error) {
      for (const writer of writers) {
        try {
          writer.close(false);
        } catch {
          // Closing a descriptor whose disk is full can fail too; the file is removed below.
        }
      }
      removeFile(stems.vocals);
      removeFile(stems.background);
      throw error;
    }
  }

  async release(): Promise<void> {
    await this.holder.session.release();
  }

  private async separateInto(inputWav: string, frames: number, primary: WavWriter, other: WavWriter, options: SeparateOptions): Promise<void> {
    const { dimF, dimT, compensate } = this.parameters;
    const { chunk, trim, step } = this.chunking;
    const chunkCount = mdxNetChunkCount(frames, this.chunking);
    const itemSize = 4 * dimF * dimT;
    const input = new Float32Array(this.batchSize * itemSize);
    // Each slot keeps its chunk's input samples: the other stem is the input minus the primary.
    const slots = Array.from({ length: this.batchSize }, () => ({ left: new Float32Array(chunk), right: new Float32Array(chunk) }));
    const outLeft = new Float32Array(chunk);
    const outRight = new Float32Array(chunk);
    const primaryLeft = new Float32Array(step);
    const primaryRight = new Float32Array(step);
    const otherLeft = new Float32Array(step);
    const otherRight = new Float32Array(step);

    for (let first = 0; first < chunkCount; first += this.batchSize) {
      throwIfCancelled(options.signal);
      await options.pause?.();
      throwIfCancelled(options.signal);
      const count = Math.min(this.batchSize, chunkCount - first);
      // A fixed batch axis takes its full size; the slots past the track are silence.
      const runBatch = this.fixedBatch ?? count;
      if (runBatch > count) input.fill(0, count * itemSize, runBatch * itemSize);
      for (let slot = 0; slot < count; slot++) {
        const { left, right } = slots[slot]!;
        readChunk(inputWav, (first + slot) * step - trim, frames, left, right);
        const offset = slot * itemSize;
        this.stft.forward(left, right, dimF, input, offset);
        const plane = dimF * dimT;
        for (let part = 0; part < 4; part++) input.fill(0, offset + part * plane, offset + part * plane + Math.min(zeroedLowBins, dimF) * dimT);
      }
      const spectrum = await this.run(input.subarray(0, runBatch * itemSize), runBatch);
      throwIfCancelled(options.signal);
      for (let slot = 0; slot < count; slot++) {
        const { left, right } = slots[slot]!;
        this.stft.inverse(spectrum, slot * itemSize, dimF, dimT, outLeft, outRight);
        const start = (first + slot) * step;
        const kept = Math.min(step, frames - start);
        for (let index = 0; index < kept; index++) {
          const valueLeft = outLeft[trim + index]! * compensate;
          const valueRight = outRight[trim + index]! * compensate;
          primaryLeft[index] = valueLeft;
          primaryRight[index] = valueRight;
          otherLeft[index] = left[trim + index]! - valueLeft;
          otherRight[index] = right[trim + index]! - valueRight;
        }
        primary.write(start, [primaryLeft.subarray(0, kept), primaryRight.subarray(0, kept)]);
        other.write(start, [otherLeft.subarray(0, kept), otherRight.subarray(0, kept)]);
      }
      // The last hundredth is the flush and close.
      options.onProgress?.((0.99 * (first + count)) / chunkCount);
    }
  }

  /** One session run on `batch` chunks; the output must be the input's shape. */
  private async run(data: Float32Array, batch: number): Promise<Float32Array> {
    const { dimF, dimT } = this.parameters;
    let result: ort.InferenceSession.ReturnType;
    try {
      result = await runWithFallback(this.holder, { [this.inputName]: new ort.Tensor('float32', data, [batch, 4, dimF, dimT]) });
    } catch (error) {
      if (error instanceof RedubError) throw error;
      throw new RedubError('E_STAGE_FAILED', {
        message: 'The source-separation model failed while running.',
        details: [`${this.model.path}: ${shortReason(error)}`],
        cause: error,
      });
    }
    const output = result[this.outputName];
    const expected = batch * 4 * dimF * dimT;
    if (!output || output.type !== 'float32' || output.data.length !== expected) {
      throw notMdxNet(this.model, `Its output "${this.outputName}" holds ${output?.data.length ?? 0} ${output?.type ?? ''} values where ${expected} float32 values ([${batch}, 4, ${dimF}, ${dimT}]) were expected.`);
    }
    return output.data as Float32Array;
  }
}

/** The input's frame count; anything but 16-bit stereo 44.1 kHz is refused (the stage converts). */
function inputFrames(inputWav: string): number {
  const layout = readWavLayout(inputWav);
  if (layout.format !== 'int16' || layout.channelCount !== mdxNetChannels || layout.sampleRate !== mdxNetSampleRate) {
    throw new RedubError('E_INTERNAL', {
      message: 'The source-separation engine was given audio it does not take: it needs 16-bit stereo WAV at 44.1 kHz.',
      details: [`${inputWav} is ${layout.format}, ${layout.channelCount} channel(s) at ${layout.sampleRate} Hz.`],
    });
  }
  return pcm16Frames(layout);
}

/** Track samples [start, start + left.length) into `left`/`right`, zeros where they fall outside the track. */
function readChunk(inputWav: string, start: number, frames: number, left: Float32Array, right: Float32Array): void {
  const length = left.length;
  const from = Math.max(0, start);
  const to = Math.min(frames, start + length);
  left.fill(0);
  right.fill(0);
  if (to <= from) return;
  const { channels } = readWavFrames(inputWav, from, to - from);
  left.set(channels[0]!, from - start);
  right.set(channels[1]!, from - start);
}

/** The batch axis's fixed size (null when symbolic); a fixed dimension that disagrees is E_MODEL_CORRUPT. */
function checkShape(
  model: ModelFile, role: 'input' | 'output', name: string, metadata: readonly ort.InferenceSession.ValueMetadata[] | undefined, [dimF, dimT]: number[],
): number | null {
  const value = metadata?.find((entry) => entry.name === name);
  if (!value) return null;
  if (!value.isTensor) throw notMdxNet(model, `Its ${role} "${name}" is not a tensor.`);
  const shape = value.shape;
  const fixed = (dim: number | string | undefined): number | null => (typeof dim === 'number' && dim > 0 ? dim : null);
  const wanted = ['batch', 4, dimF, dimT];
  const shown = `[${shape.join(', ')}]`;
  if (shape.length !== 4) throw notMdxNet(model, `Its ${role} "${name}" has shape ${shown} where MDX-Net's is [batch, 4, ${dimF}, ${dimT}].`);
  for (let axis = 1; axis < 4; axis++) {
    const size = fixed(shape[axis]);
    if (size !== null && size !== wanted[axis]) {
      throw notMdxNet(model, `Its ${role} "${name}" has shape ${shown} where the pack's parameters (dimF ${dimF}, dimT ${dimT}) give [batch, 4, ${dimF}, ${dimT}].`);
    }
  }
  return fixed(shape[0]);
}

/** The model file and the pack it came from, for the errors' sentences. */
interface ModelFile {
  path: string;
  packId: string | undefined;
}

function notMdxNet(model: ModelFile, reason: string): RedubError {
  return new RedubError('E_MODEL_CORRUPT', {
    message: 'The source-separation model does not match its pack: it is not the MDX-Net model the pack\'s parameters describe.',
    details: [`${model.path}: ${reason}`],
    action: reinstall(model.packId),
  });
}

/** Removes a stem this call began; only a plain file (a path that is a link or a device is left alone). */
function removeFile(file: string): void {
  try {
    if (lstatSync(file).isFile()) rmSync(file, { force: true });
  } catch {
    // Never created, or already gone.
  }
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RedubError('E_CANCELLED');
}

/** The engine revision, every parameter, the model file (name, size, modification time) and ONNX Runtime. */
function mdxNetVersion(modelPath: string, parameters: MdxNetParameters): string {
  const { nFft, dimF, dimT, hop, compensate, primaryStem } = parameters;
  const stats = statSync(modelPath);
  const model = createHash('sha256').update(`${path.basename(modelPath)}\0${stats.size}\0${stats.mtimeMs}`).digest('hex').slice(0, 12);
  return `${mdxNetRevision}+mdx-${nFft}-${dimF}-${dimT}-${hop}-${compensate}-${primaryStem}+model-${model}+ort-${packageVersion('onnxruntime-node')}`;
}
