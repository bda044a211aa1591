// Engines a worker has loaded, kept for the life of the process so the next task starts warm
// (the seeds' MODEL_CACHE). Loading is lazy and happens once, however many tasks ask at once.
import type { SpeechSynthesizer } from '../engines/tts/speech-synthesizer.js';
import type { VoiceActivityDetector } from '../engines/vad/voice-activity-detector.js';

export class EngineCache {
  private vad: Promise<VoiceActivityDetector> | null = null;
  private synthesizer: Promise<SpeechSynthesizer> | null = null;

  voiceActivityDetector(): Promise<VoiceActivityDetector> {
    this.vad ??= import('../engines/vad/silero-vad.js').then(({ SileroVad }) => SileroVad.load());
    this.vad.catch(() => (this.vad = null));
    return this.vad;
  }

  speechSynthesizer(): Promise<SpeechSynthesizer> {
    this.synthesizer ??= import('../engines/tts/espeak-synthesizer.js').then(({ EspeakSynthesizer }) => EspeakSynthesizer.load());
    this.synthesizer.catch(() => (this.synthesizer = null));
    return this.synthesizer;
  }

  /** Loads the engines named in PRELOAD_MODELS-style lists ahead of the first task. */
  async preload(names: string[]): Promise<void> {
    const loaders: Record<string, () => Promise<unknown>> = {
      vad: () => this.voiceActivityDetector(),
      tts: () => this.speechSynthesizer(),
    };
    await Promise.allSettled(names.map((name) => loaders[name]?.()));
  }
}
