// Owns the typings of the untyped WASM speech packages the engines load; only what we call is typed.

declare module '@echogarden/sonic-wasm' {
  export interface SonicModule {
    HEAPF32: Float32Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    _sonicCreateStream(sampleRate: number, channels: number): number;
    _sonicDestroyStream(stream: number): void;
    _sonicSetSpeed(stream: number, speed: number): void;
    _sonicWriteFloatToStream(stream: number, pointer: number, frames: number): number;
    _sonicFlushStream(stream: number): number;
    _sonicSamplesAvailable(stream: number): number;
    _sonicReadFloatFromStream(stream: number, pointer: number, maxFrames: number): number;
  }
  const createSonic: () => Promise<SonicModule>;
  export default createSonic;
}

declare module '@echogarden/espeak-ng-emscripten' {
  export interface EspeakVoice {
    identifier: string;
    name: string;
    languages: { priority: number; name: string }[];
  }
  export interface EspeakWorker {
    samplerate: number;
    list_voices(): EspeakVoice[];
    /** 0 on success, a non-zero eSpeak status otherwise. */
    set_voice(name: string): number;
    set_rate(wordsPerMinute: number): number;
    set_pitch(pitch: number): number;
    synthesize(text: string, callback: (samples: Int16Array, events: unknown[]) => boolean | void): number;
    /** The text's phonemes in IPA: one line per clause, words split by spaces, phonemes joined by '_'; code 0 on success. */
    synthesize_ipa(text: string): { code: number; ipa: string };
  }
  export interface EspeakModule {
    eSpeakNGWorker: new () => EspeakWorker;
  }
  const createEspeak: () => Promise<EspeakModule>;
  export default createEspeak;
}

declare module '@echogarden/speex-resampler-wasm/simd' {
  export interface SpeexResamplerModule {
    HEAPF32: Float32Array;
    HEAPU32: Uint32Array;
    HEAP32: Int32Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, errorPointer: number): number;
    _speex_resampler_destroy(state: number): void;
    _speex_resampler_get_input_latency(state: number): number;
    _speex_resampler_process_float(state: number, channel: number, input: number, inputLength: number, output: number, outputLength: number): number;
  }
  const createSpeexResampler: () => Promise<SpeexResamplerModule>;
  export default createSpeexResampler;
}
