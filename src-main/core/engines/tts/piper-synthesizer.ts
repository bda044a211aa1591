// Owns the Piper engine (VITS voices on ONNX Runtime): one warm session per loaded voice,
// phonemes from the eSpeak NG worker, ids and scales as Piper feeds its models.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { RedubError } from '../../../shared/errors.js';
import { engineRevisions } from '../revisions.js';
import { createSessionWithFallback, runWithFallback, type ExecutionPreference, type ExecutionProviderName, type SessionHolder } from '../../models/execution-providers.js';
import { trimSilence } from '../audio/trim-silence.js';
import { EspeakSynthesizer } from './espeak-synthesizer.js';
import { piperPhonemeIds, piperPhonemes, readPiperConfig, type PiperConfig } from './piper-voice.js';
import type { SpeechSynthesizer, SynthesisOptions } from './speech-synthesizer.js';


export type PiperVoiceFiles = string | { onnxPath: string; configPath?: string };

export interface PiperLoadOptions {
  preference?: ExecutionPreference;
  log?: (message: string) => void;
}

export class PiperSynthesizer implements SpeechSynthesizer {
  readonly id = 'piper';
  readonly version: string;
  readonly sampleRate: number;
  /** The voice's name: its model file's name without `.onnx`. */
  readonly voice: string;
  private warnedUnknown = false;
  /** Runs one at a time: a session run is heavy, and the holder may be swapped to the CPU mid-run. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly holder: SessionHolder,
    readonly config: PiperConfig,
    private readonly espeak: EspeakSynthesizer,
    readonly files: { onnxPath: string; configPath: string },
    configText: string,
    private readonly log: (message: string) => void,
  ) {
    this.sampleRate = config.audio.sample_rate;
    this.voice = path.basename(files.onnxPath).replace(/\.onnx$/i, '');
    const model = statSync(files.onnxPath);
    const digest = createHash('sha256').update(configText).update(`\0${model.size}\0${model.mtimeMs}`).digest('hex').slice(0, 16);
    this.version = `${engineRevisions.piper}+piper-${digest}`;
  }

  /** A voice folder (its one `.onnx` with the `.onnx.json` beside it) or the two paths. */
  static async load(voice: PiperVoiceFiles, options: PiperLoadOptions = {}): Promise<PiperSynthesizer> {
    const files = resolveFiles(voice);
    for (const file of [files.onnxPath, files.configPath]) {
      if (!existsSync(file)) {
        throw new RedubError('E_MODEL_MISSING', {
          message: `The Piper voice file ${path.basename(file)} is missing.`,
          details: [`Expected at: ${file}`],
        });
      }
    }
    const { config, text } = readPiperConfig(files.configPath);
    const log = options.log ?? (() => undefined);
    const holder = await createSessionWithFallback(files.onnxPath, {
      preference: options.preference ?? 'auto',
      log,
      errorCode: 'E_MODEL_CORRUPT',
      errorDetails: [`ONNX Runtime could not load the Piper voice ${files.onnxPath}.`],
    });
    const espeak = await EspeakSynthesizer.load();
    return new PiperSynthesizer(holder, config, espeak, files, text, log);
  }

  /** The execution provider the session runs on now. */
  get executionProvider(): ExecutionProviderName {
    return this.holder.provider;
  }

  voiceFor(language: string, override?: string): string {
    if (override !== undefined && override.trim() !== '') {
      if (override.trim() === this.voice) return this.voice;
      throw new RedubError('E_LANGUAGE_UNSUPPORTED', { details: [`"${override}" is not the loaded Piper voice (${this.voice}).`] });
    }
    if (baseLanguage(language) !== '' && baseLanguage(language) === baseLanguage(this.config.espeak.voice)) return this.voice;
    throw new RedubError('E_LANGUAGE_UNSUPPORTED', {
      details: [`The Piper voice ${this.voice} speaks "${this.config.espeak.voice}", not "${language}".`],
    });
  }

  synthesize(text: string, voice: string, options: SynthesisOptions = {}): Promise<Float32Array> {
    const run = this.queue.then(() => this.synthesizeNow(text, voice, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The phoneme ids Piper's model gets for the text (exposed for tests and diagnostics). */
  async phonemeIds(text: string): Promise<{ phonemes: string; ids: number[]; unknown: string[]; skipped: number }> {
    const ipa = await this.espeak.phonemize(text, this.config.espeak.voice);
    const phonemes = piperPhonemes(ipa, text);
    return { phonemes, ...piperPhonemeIds(phonemes, this.config.phoneme_id_map) };
  }

  /** Frees the session; the instance cannot synthesize after. */
  async release(): Promise<void> {
    await this.holder.session.release();
  }

  private async synthesizeNow(text: string, voice: string, options: SynthesisOptions): Promise<Float32Array> {
    if (voice !== this.voice) {
      throw new RedubError('E_LANGUAGE_UNSUPPORTED', { details: [`"${voice}" is not the loaded Piper voice (${this.voice}); pick one with voiceFor().`] });
    }
    const rate = options.rate ?? 1;
    if (!Number.isFinite(rate) || rate <= 0) {
      throw new RedubError('E_SYNTHESIS_FAILED', { details: [`The speaking rate ${rate} is not a positive number.`] });
    }
    if (text.trim() === '') return new Float32Array(0);
    const { ids, unknown, skipped } = await this.phonemeIds(text);
    if (skipped > 0 && !this.warnedUnknown) {
      this.warnedUnknown = true;
      this.log(`The Piper voice ${this.voice} has no id for the phoneme(s) ${unknown.map((symbol) => `"${symbol}"`).join(', ')}; ${skipped} skipped in "${text.slice(0, 60)}" (later ones are skipped silently).`);
    }
    // Only ^, pads and $: nothing to say.
    if (ids.length <= 3) return new Float32Array(0);
    const { inference } = this.config;
    const feeds: Record<string, ort.Tensor> = {
      input: new ort.Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), [1, ids.length]),
      input_lengths: new ort.Tensor('int64', BigInt64Array.from([BigInt(ids.length)]), [1]),
      scales: new ort.Tensor('float32', Float32Array.from([inference.noise_scale, inference.length_scale / rate, inference.noise_w]), [3]),
    };
    if (this.config.num_speakers > 1 && this.holder.session.inputNames.includes('sid')) {
      feeds.sid = new ort.Tensor('int64', BigInt64Array.from([0n]), [1]);
    }
    let output: ort.Tensor | undefined;
    try {
      output = (await runWithFallback(this.holder, feeds)).output;
    } catch (error) {
      if (error instanceof RedubError) throw error;
      throw new RedubError('E_SYNTHESIS_FAILED', {
        details: [`Piper (${this.voice}) failed on: "${text.slice(0, 80)}"`, error instanceof Error ? error.message : String(error)],
        cause: error,
      });
    }
    if (!output || output.type !== 'float32') {
      throw new RedubError('E_SYNTHESIS_FAILED', { details: [`The Piper voice ${this.voice} gave no float32 "output" tensor.`] });
    }
    // [1, 1, 1, samples] or [1, 1, samples]: the data is the samples either way.
    const speech = Float32Array.from(output.data as Float32Array);
    return trimSilence(speech, this.sampleRate, -50);
  }
}

function resolveFiles(voice: PiperVoiceFiles): { onnxPath: string; configPath: string } {
  if (typeof voice !== 'string') return { onnxPath: voice.onnxPath, configPath: voice.configPath ?? `${voice.onnxPath}.json` };
  if (voice.toLowerCase().endsWith('.onnx')) return { onnxPath: voice, configPath: `${voice}.json` };
  let models: string[] = [];
  try {
    models = readdirNames(voice).filter((name) => name.toLowerCase().endsWith('.onnx'));
  } catch (error) {
    throw new RedubError('E_MODEL_MISSING', { message: `The Piper voice folder ${voice} cannot be read.`, details: [error instanceof Error ? error.message : String(error)], cause: error });
  }
  if (models.length !== 1) {
    throw new RedubError('E_MODEL_MISSING', {
      message: models.length === 0 ? `The Piper voice folder ${voice} has no .onnx model file.` : `The Piper voice folder ${voice} has several .onnx files; name one.`,
      details: models.length > 0 ? [`Found: ${models.join(', ')}`] : [],
    });
  }
  const onnxPath = path.join(voice, models[0]!);
  return { onnxPath, configPath: `${onnxPath}.json` };
}

function readdirNames(folder: string): string[] {
  return readdirSync(folder).sort();
}

/** 'es-ES', 'es_ES', 'ES' → 'es'; eSpeak's 'en-us' → 'en'. */
function baseLanguage(code: string): string {
  return code.trim().toLowerCase().replaceAll('_', '-').split('-')[0] ?? '';
}
