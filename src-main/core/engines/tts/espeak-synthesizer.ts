// Owns the eSpeak NG engine (WASM, GPL-3.0): one warm worker per process, voices chosen by language.

import type { EspeakVoice, EspeakWorker } from '@echogarden/espeak-ng-emscripten';
import { RedubError } from '../../../shared/errors.js';
import { engineRevisions, packageVersion } from '../revisions.js';
import { trimSilence } from '../audio/trim-silence.js';
import { espeakVoiceFor, findEspeakVoice } from './espeak-voices.js';
import type { SpeechSynthesizer, SynthesisOptions } from './speech-synthesizer.js';

const normalWordsPerMinute = 175;
/** eSpeak's accepted range; outside it the rate is silently clamped by eSpeak anyway. */
const minWordsPerMinute = 80;
const maxWordsPerMinute = 450;
const normalPitch = 50;

// One instance per process: the WASM worker is stateful (current voice, rate), so every caller shares its queue.
let shared: Promise<EspeakSynthesizer> | undefined;

export class EspeakSynthesizer implements SpeechSynthesizer {
  /** eSpeak NG is WASM: the CPU, always. */
  readonly executionProvider = 'cpu';
  readonly id = 'espeak-ng';
  readonly version: string;
  readonly sampleRate: number;
  private readonly voices: readonly EspeakVoice[];
  /** The worker is one stateful synthesizer; calls are chained so voice and rate never interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly worker: EspeakWorker) {
    this.voices = worker.list_voices();
    this.sampleRate = worker.samplerate;
    this.version = espeakVersion();
  }

  /** Loads the WASM module once per process; later calls reuse the warm worker. */
  static async load(): Promise<EspeakSynthesizer> {
    shared ??= createWorker().then((worker) => new EspeakSynthesizer(worker));
    try {
      return await shared;
    } catch (error) {
      shared = undefined;
      throw error;
    }
  }

  voiceFor(language: string, override?: string): string {
    return espeakVoiceFor(this.voices, language, override);
  }

  synthesize(text: string, voice: string, options: SynthesisOptions = {}): Promise<Float32Array> {
    const run = this.queue.then(() => this.synthesizeNow(text, voice, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The text's phonemes in IPA for an eSpeak voice, as eSpeak writes them: one line per clause,
   * words split by spaces, phonemes joined by '_'. Shares the worker's queue with synthesize().
   */
  phonemize(text: string, voice: string): Promise<string> {
    const run = this.queue.then(() => this.phonemizeNow(text, voice));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private phonemizeNow(text: string, voice: string): string {
    if (text.trim() === '') return '';
    const identifier = findEspeakVoice(this.voices, voice);
    if (!identifier) {
      throw new RedubError('E_LANGUAGE_UNSUPPORTED', { details: [`"${voice}" is not an eSpeak NG voice; pick one with voiceFor().`] });
    }
    let result: { code: number; ipa: string };
    try {
      if (this.worker.set_voice(identifier) !== 0) throw new Error(`eSpeak NG refused the voice ${identifier}.`);
      result = this.worker.synthesize_ipa(escapeMarkup(text));
    } catch (error) {
      throw new RedubError('E_SYNTHESIS_FAILED', {
        details: [`eSpeak NG could not phonemize: "${text.slice(0, 80)}"`, error instanceof Error ? error.message : String(error)],
        cause: error,
      });
    }
    if (result.code !== 0) {
      throw new RedubError('E_SYNTHESIS_FAILED', { details: [`eSpeak NG could not phonemize: "${text.slice(0, 80)}" (status ${result.code}).`] });
    }
    return result.ipa;
  }

  private synthesizeNow(text: string, voice: string, options: SynthesisOptions): Float32Array {
    if (text.trim() === '') return new Float32Array(0);
    const identifier = findEspeakVoice(this.voices, voice);
    if (!identifier) {
      throw new RedubError('E_LANGUAGE_UNSUPPORTED', { details: [`"${voice}" is not an eSpeak NG voice; pick one with voiceFor().`] });
    }
    const rate = options.rate ?? 1;
    if (!Number.isFinite(rate) || rate <= 0) {
      throw new RedubError('E_SYNTHESIS_FAILED', { details: [`The speaking rate ${rate} is not a positive number.`] });
    }
    const chunks: Int16Array[] = [];
    let total = 0;
    try {
      if (this.worker.set_voice(identifier) !== 0) throw new Error(`eSpeak NG refused the voice ${identifier}.`);
      this.worker.set_rate(Math.round(Math.min(maxWordsPerMinute, Math.max(minWordsPerMinute, normalWordsPerMinute * rate))));
      this.worker.set_pitch(normalPitch);
      this.worker.synthesize(escapeMarkup(text), (samples) => {
        // eSpeak reuses the buffer behind `samples` for the next chunk.
        const copy = new Int16Array(samples);
        chunks.push(copy);
        total += copy.length;
        return false;
      });
    } catch (error) {
      throw new RedubError('E_SYNTHESIS_FAILED', {
        details: [`eSpeak NG failed on: "${text.slice(0, 80)}"`, error instanceof Error ? error.message : String(error)],
        cause: error,
      });
    }
    const speech = new Float32Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      for (let index = 0; index < chunk.length; index++) speech[offset + index] = chunk[index]! / 32768;
      offset += chunk.length;
    }
    // Fitting measures the speech itself, so eSpeak's own lead-in and tail silence go.
    return trimSilence(speech, this.sampleRate, -50);
  }
}

async function createWorker(): Promise<EspeakWorker> {
  try {
    const { default: init } = await import('@echogarden/espeak-ng-emscripten');
    const module = await init();
    return new module.eSpeakNGWorker();
  } catch (error) {
    throw new RedubError('E_SYNTHESIS_FAILED', {
      details: ['The eSpeak NG engine could not be started.', error instanceof Error ? error.message : String(error), 'Reinstall Redub\'s dependencies with npm install.'],
      cause: error,
    });
  }
}

/** eSpeak may read its input as SSML, so markup characters are escaped to be spoken, not parsed. */
function escapeMarkup(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** What eSpeak NG's speech depends on: Redub's use of it and the WASM build's version. */
export function espeakVersion(): string {
  return `${engineRevisions.espeak}+espeak-ng-emscripten-${packageVersion('@echogarden/espeak-ng-emscripten')}`;
}
