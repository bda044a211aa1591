// Engines a worker has loaded, kept for the life of the process so the next task starts warm
// (the seeds' MODEL_CACHE). Loading is lazy and happens once, however many tasks ask at once.
import type { ExecutionPreference } from '../../shared/contract.js';
import type { SpeechSynthesizer } from '../engines/tts/speech-synthesizer.js';
import type { VoiceActivityDetector } from '../engines/vad/voice-activity-detector.js';

export class EngineCache {
  /** One detector per execution preference, since jobs may ask for different providers. */
  private readonly vads = new Map<ExecutionPreference, Promise<VoiceActivityDetector>>();
  private synthesizer: Promise<SpeechSynthesizer> | null = null;

  voiceActivityDetector(preference: ExecutionPreference = 'auto'): Promise<VoiceActivityDetector> {
    let vad = this.vads.get(preference);
    if (!vad) {
      // Warnings from choosing the provider stay on the detector (providerWarnings) for each job's log.
      vad = import('../engines/vad/silero-vad.js').then(({ SileroVad }) => SileroVad.load({ preference }));
      this.vads.set(preference, vad);
      vad.catch(() => this.vads.delete(preference));
    }
    return vad;
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
