// Engines a worker has loaded, kept for the life of the process so the next task starts warm
// (the seeds' MODEL_CACHE). Loading is lazy and happens once, however many tasks ask at once.
import type { ExecutionPreference } from '../../shared/contract.js';
import type { WhisperTranscriber } from '../engines/asr/whisper-transcriber.js';
import type { Seq2SeqTranslator, TranslatePack } from '../engines/mt/seq2seq-translator.js';
import type { PiperSynthesizer } from '../engines/tts/piper-synthesizer.js';
import type { SpeechSynthesizer } from '../engines/tts/speech-synthesizer.js';
import type { VoiceActivityDetector } from '../engines/vad/voice-activity-detector.js';

interface WarmEngine<T> {
  engine: Promise<T>;
  sink: { log?: (message: string) => void };
}

export class EngineCache {
  /** One detector per execution preference, since jobs may ask for different providers. */
  private readonly vads = new Map<ExecutionPreference, Promise<VoiceActivityDetector>>();
  private synthesizer: Promise<SpeechSynthesizer> | null = null;
  /** Warm neural engines (Piper voices, Whisper, translators) by kind, preference and model path. */
  private readonly warm = new Map<string, WarmEngine<unknown>>();

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
    return this.keepWarm(`piper\0${preference}\0${modelPath}`, log, (sink) =>
      import('../engines/tts/piper-synthesizer.js').then(({ PiperSynthesizer }) => PiperSynthesizer.load(modelPath, { preference, log: sink })),
    );
  }

  /** The Whisper pack in `pack.dir`, loaded once and kept warm. */
  whisperTranscriber(pack: { dir: string; packId: string }, preference: ExecutionPreference = 'auto', log?: (message: string) => void): Promise<WhisperTranscriber> {
    return this.keepWarm(`whisper\0${preference}\0${pack.dir}`, log, (sink) =>
      import('../engines/asr/whisper-transcriber.js').then(({ WhisperTranscriber }) => WhisperTranscriber.load(pack, { preference, log: sink })),
    );
  }

  /** The NLLB or Marian pack in `pack.dir`, loaded once and kept warm. */
  translator(pack: TranslatePack, preference: ExecutionPreference = 'auto', log?: (message: string) => void): Promise<Seq2SeqTranslator> {
    return this.keepWarm(`translator\0${preference}\0${pack.dir}`, log, (sink) =>
      import('../engines/mt/seq2seq-translator.js').then(({ Seq2SeqTranslator }) => Seq2SeqTranslator.load(pack, { preference, log: sink })),
    );
  }

  /**
   * One engine per key, loaded once; a failed load is forgotten so the next task tries again. The
   * engine's messages (a provider fallback) go to the task that uses it now.
   */
  private keepWarm<T>(key: string, log: ((message: string) => void) | undefined, load: (sink: (message: string) => void) => Promise<T>): Promise<T> {
    let entry = this.warm.get(key) as WarmEngine<T> | undefined;
    if (!entry) {
      const sink: WarmEngine<T>['sink'] = {};
      entry = { engine: load((message) => sink.log?.(message)), sink };
      this.warm.set(key, entry as WarmEngine<unknown>);
      entry.engine.catch(() => this.warm.delete(key));
    }
    entry.sink.log = log;
    return entry.engine;
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
