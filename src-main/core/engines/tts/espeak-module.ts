// Owns the eSpeak NG engine itself: its command line compiled to WebAssembly (espeak-wasm.ts),
// run once per line as a fresh process would be, so a line's speech never depends on the lines
// spoken before it. Loading costs reading and compiling the module (about a tenth of a second),
// then each line costs its synthesis. One module serves one thread; EspeakSynthesizer reaches it
// in the same thread (InThreadEspeak below) or in a thread of its own (espeak-thread.ts). The few
// voices that build lacks are spoken by the older one (espeak-legacy.ts), loaded when first asked.
import { LegacyEspeak, legacyOnlyVoices } from './espeak-legacy.js';
import { EspeakWasm } from './espeak-wasm.js';
import { parseEspeakVoices, type EspeakVoice } from './espeak-voice-table.js';

export type { EspeakVoice } from './espeak-voice-table.js';

export interface SpeakRequest {
  /** An eSpeak voice identifier, already checked against the voice list. */
  identifier: string;
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

/** eSpeak NG's rate for every voice both builds speak (MBROLA voices, which would differ, are in neither). */
const espeakSampleRate = 22_050;
const textFile = '/redub/text.txt';
const speechFile = '/redub/speech.wav';
const phonemeFile = '/redub/phonemes.txt';

/** The loaded module, called in the thread that loaded it, one call at a time. */
export class EspeakModule {
  readonly sampleRate = espeakSampleRate;
  readonly voices: readonly EspeakVoice[];
  private legacy: Promise<LegacyEspeak> | null = null;

  private constructor(private readonly wasm: EspeakWasm, private readonly wasmVoices: ReadonlySet<string>, voices: readonly EspeakVoice[]) {
    this.voices = [...voices, ...legacyOnlyVoices.filter((voice) => !wasmVoices.has(voice.identifier))];
  }

  static async load(): Promise<EspeakModule> {
    const wasm = await EspeakWasm.load();
    const listed = wasm.run(['--voices']);
    if (listed.exitCode !== 0) throw new Error(`eSpeak NG could not list its voices: ${listed.stderr.trim()}`);
    const voices = parseEspeakVoices(listed.stdout);
    return new EspeakModule(wasm, new Set(voices.map((voice) => voice.identifier)), voices);
  }

  async speak(request: SpeakRequest): Promise<Int16Array> {
    const legacy = await this.legacyFor(request.identifier);
    if (legacy) return legacy.speak(request);
    // The text goes in a file, not the command line: it may start with '-' or hold anything.
    const run = this.wasm.run(
      ['-v', request.identifier, '-s', String(request.wordsPerMinute), '-p', String(request.pitch), '-w', speechFile, '-f', textFile],
      { [textFile]: new TextEncoder().encode(request.text) },
      [speechFile],
    );
    const wav = run.files[speechFile];
    if (run.exitCode !== 0 || !wav) throw new Error(failure(`speak with the voice ${request.identifier}`, run.exitCode, run.stderr));
    return wavSamples(wav, this.sampleRate);
  }

  async phonemize(identifier: string, text: string): Promise<{ code: number; ipa: string }> {
    const legacy = await this.legacyFor(identifier);
    if (legacy) return legacy.phonemize(identifier, text);
    const run = this.wasm.run(
      ['-q', '--ipa', '--sep=_', `--phonout=${phonemeFile}`, '-v', identifier, '-f', textFile],
      { [textFile]: new TextEncoder().encode(text) },
      [phonemeFile],
    );
    const phonemes = run.files[phonemeFile];
    if (run.exitCode !== 0 || !phonemes) return { code: run.exitCode || 1, ipa: '' };
    return { code: 0, ipa: new TextDecoder().decode(phonemes) };
  }

  /** The older build, for a voice or variant only it has ('gmq/fo', 'roa/es+klatt'); null for every other voice (unknown ones included: the WebAssembly build refuses them). */
  private async legacyFor(identifier: string): Promise<LegacyEspeak | null> {
    const [file = '', variant = ''] = identifier.split('+');
    const legacyOnly = (!this.wasmVoices.has(file) && legacyOnlyVoices.some((voice) => voice.identifier === file)) || legacyOnlyVariant(variant);
    if (!legacyOnly) return null;
    this.legacy ??= LegacyEspeak.load();
    try {
      return await this.legacy;
    } catch (error) {
      this.legacy = null;
      throw error;
    }
  }
}

/** The klatt variants: that build has no Klatt synthesizer and would speak them as the plain voice. */
function legacyOnlyVariant(variant: string): boolean {
  return variant.startsWith('klatt');
}

function failure(what: string, exitCode: number, stderr: string): string {
  const said = stderr.trim();
  return `eSpeak NG could not ${what} (exit status ${exitCode})${said ? `: ${said}` : ''}`;
}

/** The samples of the WAV file eSpeak NG writes: one channel of 16-bit PCM in a "data" chunk. */
export function wavSamples(wav: Uint8Array, sampleRate: number): Int16Array {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const tag = (at: number): string => String.fromCharCode(...wav.subarray(at, at + 4));
  if (wav.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('eSpeak NG wrote speech that is not a WAV file.');
  let at = 12;
  while (at + 8 <= wav.length) {
    const size = view.getUint32(at + 4, true);
    if (tag(at) === 'fmt ') {
      const channels = view.getUint16(at + 10, true);
      const rate = view.getUint32(at + 12, true);
      const bits = view.getUint16(at + 22, true);
      if (channels !== 1 || rate !== sampleRate || bits !== 16) {
        throw new Error(`eSpeak NG wrote ${channels} channel(s) of ${bits}-bit audio at ${rate} Hz, not mono 16-bit at ${sampleRate} Hz.`);
      }
    } else if (tag(at) === 'data') {
      // eSpeak NG fills in the sizes when it closes the file; the bytes that follow are the samples either way.
      const end = Math.min(wav.length, at + 8 + size) & ~1;
      const start = at + 8;
      const samples = new Int16Array((end - start) / 2);
      for (let index = 0; index < samples.length; index++) samples[index] = view.getInt16(start + index * 2, true);
      return samples;
    }
    at += 8 + size + (size & 1);
  }
  throw new Error('eSpeak NG wrote a WAV file without speech.');
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

  speak(request: SpeakRequest): Promise<Int16Array> {
    return this.module.speak(request);
  }

  phonemize(identifier: string, text: string): Promise<{ code: number; ipa: string }> {
    return this.module.phonemize(identifier, text);
  }
}
