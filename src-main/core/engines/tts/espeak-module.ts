// Owns the eSpeak NG module itself: the Emscripten build, compiled to JavaScript (wasm2js), not
// to WebAssembly, so there is no WebAssembly module to compile once or cache. What costs is V8's
// work on 800 kB of JavaScript: parsing it and starting the engine (about half a second), then
// running the synthesis unoptimized until it is hot (the first few lines take a quarter of a
// second each, later ones a tenth of that). It is not warmed up with lines of its own: eSpeak NG
// carries state from one line to the next, so a line said first would change the speech of every
// line after it. One module serves one thread; EspeakSynthesizer reaches it in the same thread
// (InThreadEspeak below) or in a thread of its own (espeak-thread.ts).
import { concatenate } from '../../media/concatenate.js';
import type { EspeakVoice, EspeakWorker } from '@echogarden/espeak-ng-emscripten';

export interface SpeakRequest {
  /** An eSpeak voice identifier, already checked against the voice list. */
  identifier: string;
  /** Text with markup characters escaped. */
  text: string;
  wordsPerMinute: number;
  pitch: number;
}

/** What EspeakSynthesizer needs of eSpeak, wherever it runs; a call throws (rejects) what eSpeak throws. */
export interface EspeakEngine {
  readonly voices: readonly EspeakVoice[];
  readonly sampleRate: number;
  /** The speech as eSpeak makes it: 16-bit samples at `sampleRate`, silence included. */
  speak(request: SpeakRequest): Promise<Int16Array>;
  phonemize(identifier: string, text: string): Promise<{ code: number; ipa: string }>;
}

/** The loaded module, called synchronously in the thread that loaded it. */
export class EspeakModule {
  readonly voices: readonly EspeakVoice[];
  readonly sampleRate: number;

  private constructor(private readonly worker: EspeakWorker) {
    this.voices = worker.list_voices();
    this.sampleRate = worker.samplerate;
  }

  static async load(): Promise<EspeakModule> {
    const { default: init } = await import('@echogarden/espeak-ng-emscripten');
    const module = await init();
    return new EspeakModule(new module.eSpeakNGWorker());
  }

  speak(request: SpeakRequest): Int16Array {
    this.useVoice(request.identifier);
    this.worker.set_rate(request.wordsPerMinute);
    this.worker.set_pitch(request.pitch);
    const chunks: Int16Array[] = [];
    this.worker.synthesize(request.text, (samples) => {
      // eSpeak reuses the buffer behind `samples` for the next chunk.
      chunks.push(new Int16Array(samples));
      return false;
    });
    return concatenate(chunks, (length) => new Int16Array(length));
  }

  phonemize(identifier: string, text: string): { code: number; ipa: string } {
    this.useVoice(identifier);
    return this.worker.synthesize_ipa(text);
  }

  private useVoice(identifier: string): void {
    if (this.worker.set_voice(identifier) !== 0) throw new Error(`eSpeak NG refused the voice ${identifier}.`);
  }
}

/** The module in the caller's own thread: calls block it while they run, as they always did. */
export class InThreadEspeak implements EspeakEngine {
  constructor(private readonly module: EspeakModule) {}

  get voices(): readonly EspeakVoice[] {
    return this.module.voices;
  }

  get sampleRate(): number {
    return this.module.sampleRate;
  }

  async speak(request: SpeakRequest): Promise<Int16Array> {
    return this.module.speak(request);
  }

  async phonemize(identifier: string, text: string): Promise<{ code: number; ipa: string }> {
    return this.module.phonemize(identifier, text);
  }
}
