// Engines a worker has loaded, kept for the life of the process so the next task starts warm
// (the seeds' MODEL_CACHE). Loading is lazy and happens once, however many tasks ask at once.
import type { ExecutionPreference } from '../../shared/contract.js';
import type { PiperSynthesizer } from '../engines/tts/piper-synthesizer.js';
import type { SpeechSynthesizer } from '../engines/tts/speech-synthesizer.js';
import type { VoiceActivityDetector } from '../engines/vad/voice-activity-detector.js';

export class EngineCache {
  /** One detector per execution preference, since jobs may ask for different providers. */
  private readonly vads = new Map<ExecutionPreference, Promise<VoiceActivityDetector>>();
  private synthesizer: Promise<SpeechSynthesizer> | null = null;
  /** One warm Piper voice per model path (and execution preference). */
  private readonly piperVoices = new Map<string, { voice: Promise<PiperSynthesizer>; sink: { log?: (message: string) => void } }>();

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

  /** The Piper voice at `modelPath` (its `.onnx.json` beside it), loaded once and kept warm. */
  piperSynthesizer(modelPath: string, preference: ExecutionPreference = 'auto', log?: (message: string) => void): Promise<PiperSynthesizer> {
    const key = `${preference}\0${modelPath}`;
    let entry = this.piperVoices.get(key);
    if (!entry) {
      // The voice's messages (a provider fallback, unknown phonemes) go to the task that uses it now.
      const sink: { log?: (message: string) => void } = {};
      const voice = import('../engines/tts/piper-synthesizer.js').then(({ PiperSynthesizer }) => PiperSynthesizer.load(modelPath, { preference, log: (message) => sink.log?.(message) }));
      entry = { voice, sink };
      this.piperVoices.set(key, entry);
      voice.catch(() => this.piperVoices.delete(key));
    }
    entry.sink.log = log;
    return entry.voice;
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
