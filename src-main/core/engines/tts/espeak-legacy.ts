// The few eSpeak NG voices the WebAssembly build (espeak-wasm.ts) lacks, and its klatt variants
// (it was built without the Klatt synthesizer), spoken by the older
// build Redub used before it (@echogarden/espeak-ng-emscripten, GPL-3.0, compiled to JavaScript):
// that build is loaded only when one of these voices is asked for, and costs half a second to
// start and more for its first lines. Unlike the WebAssembly one it keeps state between lines.
import type { EspeakWorker } from '@echogarden/espeak-ng-emscripten';
import { concatenate } from '../../media/concatenate.js';
import type { SpeakRequest } from './espeak-module.js';
import type { EspeakVoice } from './espeak-voice-table.js';

/** In @echogarden/espeak-ng-emscripten 0.3.5's list, not in espeak-ng 1.0.2's (the espeak-voice-list test checks both). */
export const legacyOnlyVoices: readonly EspeakVoice[] = [
  { identifier: 'roa/ca-ba', name: 'Catalan (Balearic)', languages: [{ name: 'ca-ba', priority: 5 }] },
  { identifier: 'roa/ca-nw', name: 'Catalan (North-western)', languages: [{ name: 'ca-nw', priority: 5 }] },
  { identifier: 'roa/ca-va', name: 'Catalan (Valencian)', languages: [{ name: 'ca-va', priority: 5 }] },
  { identifier: 'gmq/fo', name: 'Faroese', languages: [{ name: 'fo', priority: 5 }] },
  { identifier: 'trk/kaa', name: 'Karakalpak', languages: [{ name: 'kaa', priority: 5 }] },
  { identifier: 'sem/ti', name: 'Tigrinya', languages: [{ name: 'ti', priority: 5 }] },
  { identifier: 'art/xex', name: 'xextan-test', languages: [{ name: 'xex', priority: 5 }] },
];

export class LegacyEspeak {
  private constructor(private readonly worker: EspeakWorker) {}

  static async load(): Promise<LegacyEspeak> {
    const { default: init } = await import('@echogarden/espeak-ng-emscripten');
    const module = await init();
    const worker = new module.eSpeakNGWorker();
    // Its samples are handed on as the WebAssembly build's, at that build's rate.
    if (worker.samplerate !== 22_050) throw new Error(`The older eSpeak NG build speaks at ${worker.samplerate} Hz, not 22050 Hz.`);
    return new LegacyEspeak(worker);
  }

  /** Every voice this build has, as it lists them. */
  voices(): EspeakVoice[] {
    return this.worker.list_voices();
  }

  speak(request: SpeakRequest): Int16Array {
    this.useVoice(request.identifier);
    this.worker.set_rate(request.wordsPerMinute);
    this.worker.set_pitch(request.pitch);
    const chunks: Int16Array[] = [];
    this.worker.synthesize(escapeMarkup(request.text), (samples) => {
      // eSpeak reuses the buffer behind `samples` for the next chunk.
      chunks.push(new Int16Array(samples));
      return false;
    });
    return concatenate(chunks, (length) => new Int16Array(length));
  }

  phonemize(identifier: string, text: string): { code: number; ipa: string } {
    this.useVoice(identifier);
    return this.worker.synthesize_ipa(escapeMarkup(text));
  }

  private useVoice(identifier: string): void {
    if (this.worker.set_voice(identifier) !== 0) throw new Error(`eSpeak NG refused the voice ${identifier}.`);
  }
}

/** This build may read its input as SSML, so markup characters are escaped to be spoken, not parsed. */
function escapeMarkup(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
