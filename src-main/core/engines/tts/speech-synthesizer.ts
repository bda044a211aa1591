// Owns the speech-synthesis contract every TTS engine implements.

export interface SynthesisOptions {
  /** Speaking rate relative to the voice's normal rate: 1 is normal, 1.2 is 20 % faster. */
  rate?: number;
}

export interface SpeechSynthesizer {
  readonly id: string;
  /** Changes whenever output could change, so cached speech is keyed by it. */
  readonly version: string;
  readonly sampleRate: number;
  /** The execution provider the engine runs on now (cpu, cuda, …). */
  readonly executionProvider: string;
  /** The engine's voice for a BCP-47-ish language code, or the override once checked to exist. */
  voiceFor(language: string, override?: string): string;
  /** Mono speech at `sampleRate`, with the engine's leading and trailing silence removed. */
  synthesize(text: string, voice: string, options?: SynthesisOptions): Promise<Float32Array>;
}
