// Owns the eSpeak NG engine (GPL-3.0): one warm engine per process, voices chosen by language.
// A stage worker runs the engine in a thread of its own (runEspeakInThread), elsewhere it runs in
// the caller's thread; the speech is the same either way.

import type { EspeakVoice } from './espeak-voice-table.js';
import { RedubError } from '../../../shared/errors.js';
import { engineRevisions, packageVersion } from '../revisions.js';
import { trimSilence } from '../audio/trim-silence.js';
import { EspeakModule, InThreadEspeak, type EspeakEngine } from './espeak-module.js';
import { espeakVoiceFor, findEspeakVoice } from './espeak-voices.js';
import type { SpeechSynthesizer, SynthesisOptions } from './speech-synthesizer.js';

const normalWordsPerMinute = 175;
/** eSpeak's accepted range; outside it the rate is silently clamped by eSpeak anyway. */
const minWordsPerMinute = 80;
const maxWordsPerMinute = 450;
const normalPitch = 50;

// One instance per process: the engine is stateful (current voice, rate), so every caller shares its queue.
let shared: Promise<EspeakSynthesizer> | undefined;
/** The bundled thread entry (espeak-thread.js) when eSpeak NG is to run in a thread of its own. */
let threadEntry: string | null = null;

/**
 * Runs eSpeak NG in a worker thread from `entry` (the bundled espeak-thread.js) from the next
 * load on: a stage worker's own thread stays free to run other stages while eSpeak NG loads, and a
 * stuck eSpeak NG is stopped (its call fails) instead of the worker. Null: in this thread.
 */
export function runEspeakInThread(entry: string | null): void {
  threadEntry = entry;
}

export class EspeakSynthesizer implements SpeechSynthesizer {
  /** eSpeak NG runs on the CPU, always. */
  readonly executionProvider = 'cpu';
  readonly id = 'espeak-ng';
  readonly version: string;
  readonly sampleRate: number;
  private readonly voices: readonly EspeakVoice[];
  /** The engine is one stateful synthesizer; calls are chained so voice and rate never interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private engine: EspeakEngine) {
    this.voices = engine.voices;
    this.sampleRate = engine.sampleRate;
    this.version = espeakVersion();
  }

  /** Loads the engine once per process; later calls reuse the warm one. */
  static async load(): Promise<EspeakSynthesizer> {
    shared ??= startEngine().then((engine) => new EspeakSynthesizer(engine));
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
   * words split by spaces, phonemes joined by '_'. Shares the engine's queue with synthesize().
   */
  phonemize(text: string, voice: string): Promise<string> {
    const run = this.queue.then(() => this.phonemizeNow(text, voice));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async phonemizeNow(text: string, voice: string): Promise<string> {
    if (text.trim() === '') return '';
    const identifier = findEspeakVoice(this.voices, voice);
    if (!identifier) {
      throw new RedubError('E_LANGUAGE_UNSUPPORTED', { details: [`"${voice}" is not an eSpeak NG voice; pick one with voiceFor().`] });
    }
    let result: { code: number; ipa: string };
    try {
      result = await (await this.liveEngine()).phonemize(identifier, text);
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

  private async synthesizeNow(text: string, voice: string, options: SynthesisOptions): Promise<Float32Array> {
    if (text.trim() === '') return new Float32Array(0);
    const identifier = findEspeakVoice(this.voices, voice);
    if (!identifier) {
      throw new RedubError('E_LANGUAGE_UNSUPPORTED', { details: [`"${voice}" is not an eSpeak NG voice; pick one with voiceFor().`] });
    }
    const rate = options.rate ?? 1;
    if (!Number.isFinite(rate) || rate <= 0) {
      throw new RedubError('E_SYNTHESIS_FAILED', { details: [`The speaking rate ${rate} is not a positive number.`] });
    }
    let samples: Int16Array;
    try {
      samples = await (await this.liveEngine()).speak({
        identifier,
        text,
        wordsPerMinute: Math.round(Math.min(maxWordsPerMinute, Math.max(minWordsPerMinute, normalWordsPerMinute * rate))),
        pitch: normalPitch,
      });
    } catch (error) {
      throw new RedubError('E_SYNTHESIS_FAILED', {
        details: [`eSpeak NG failed on: "${text.slice(0, 80)}"`, error instanceof Error ? error.message : String(error)],
        cause: error,
      });
    }
    const speech = new Float32Array(samples.length);
    for (let index = 0; index < samples.length; index++) speech[index] = samples[index]! / 32768;
    // Fitting measures the speech itself, so eSpeak's own lead-in and tail silence go.
    return trimSilence(speech, this.sampleRate, -50);
  }

  /** The engine, started again if its thread stopped (it failed or was stuck). */
  private async liveEngine(): Promise<EspeakEngine> {
    if ('stopped' in this.engine && this.engine.stopped) this.engine = await startEngine();
    return this.engine;
  }
}

async function startEngine(): Promise<EspeakEngine> {
  if (threadEntry) {
    try {
      const { EspeakThread } = await import('./espeak-thread-engine.js');
      return await EspeakThread.start(threadEntry);
    } catch {
      // A thread that cannot start (a missing entry, no threads) leaves eSpeak NG in this one;
      // a module that cannot load fails below with the reason.
    }
  }
  try {
    return new InThreadEspeak(await EspeakModule.load());
  } catch (error) {
    throw new RedubError('E_SYNTHESIS_FAILED', {
      details: ['The eSpeak NG engine could not be started.', error instanceof Error ? error.message : String(error), 'Reinstall Redub\'s dependencies with npm install.'],
      cause: error,
    });
  }
}

/** What eSpeak NG's speech depends on: Redub's use of it and the WebAssembly build's version. */
export function espeakVersion(): string {
  return `${engineRevisions.espeak}+espeak-ng-${packageVersion('espeak-ng')}`;
}
