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
  }
  export interface EspeakModule {
    eSpeakNGWorker: new () => EspeakWorker;
  }
  const createEspeak: () => Promise<EspeakModule>;
  export default createEspeak;
}
