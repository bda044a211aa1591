// Owns the Whisper engine: log-mel features, the encoder and the cached decoder (through
// transformers.js on onnxruntime-node), language detection from the first speech, and
// timestamped generation per VAD-guided window, turned into cues on the video's clock.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RedubError } from '../../../shared/errors.js';
import { arraySamples, type SampleReader } from '../../media/wav-chunks.js';
import type { ExecutionProviderName } from '../../models/execution-providers.js';
import { loadTransformers, ProviderBound, type PackFiles, type PretrainedLoader, type ProviderOptions } from '../pretrained-model.js';
import { engineRevisions } from '../revisions.js';
import type { Transcriber, TranscribeOptions, Transcript, TranscribedCue } from './transcriber.js';
import { isRepetitionLoop } from './repetition.js';
import { quietestMoment, speechWindows, type SpeechWindow } from './speech-windows.js';
import { whisperSegments, type TimestampTokens } from './whisper-segments.js';

export const whisperSampleRate = 16_000;
/** How many windows of speech language detection listens to. */
const detectionWindows = 3;

/** What the engine needs of a loaded transformers.js Whisper: model, processor, tokenizer. */
export interface WhisperParts {
  model: {
    generate(options: Record<string, unknown>): Promise<unknown>;
    forward(inputs: Record<string, unknown>): Promise<{ logits: { dims: number[]; data: ArrayLike<number> } }>;
    dispose(): Promise<unknown>;
  };
  features(audio: Float32Array): Promise<Record<string, unknown>>;
  decode(ids: number[]): string;
}

const generationConfigFields = ['decoder_start_token_id', 'eos_token_id', 'no_timestamps_token_id', 'lang_to_id', 'task_to_id', 'is_multilingual', 'max_length'];

interface WhisperGenerationConfig {
  decoder_start_token_id: number;
  eos_token_id: number | number[];
  no_timestamps_token_id: number;
  lang_to_id: Record<string, number>;
  task_to_id: Record<string, number>;
  is_multilingual: boolean;
  max_length: number;
}

export class WhisperTranscriber implements Transcriber {
  readonly id = 'whisper';
  readonly version: string;
  private readonly tokens: TimestampTokens & { startOfTranscript: number; languages: Map<number, string>; maxLength: number; multilingual: boolean };
  /** One transcription at a time: sessions are heavy and may move to the CPU mid-run. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly bound: ProviderBound<WhisperParts>,
    readonly pack: PackFiles,
    config: WhisperGenerationConfig,
  ) {
    const endOfText = Array.isArray(config.eos_token_id) ? config.eos_token_id[0]! : config.eos_token_id;
    this.tokens = {
      startOfTranscript: config.decoder_start_token_id,
      endOfText,
      firstTimestamp: config.no_timestamps_token_id + 1,
      languages: new Map(Object.entries(config.lang_to_id).map(([token, id]) => [id, token.replace(/^<\|(.*)\|>$/, '$1')])),
      maxLength: config.max_length,
      multilingual: config.is_multilingual,
    };
    this.version = `${engineRevisions.whisper}+${pack.packId}-${bound.precision}`;
  }

  static async load(pack: Omit<PackFiles, 'sessions' | 'files'>, options: ProviderOptions & { loader?: PretrainedLoader<WhisperParts> }): Promise<WhisperTranscriber> {
    const files: PackFiles = {
      ...pack,
      sessions: ['encoder_model', 'decoder_model_merged'],
      files: ['config.json', 'generation_config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'],
    };
    const bound = await ProviderBound.create(files, options.loader ?? transformersWhisper(files.dir), options);
    return new WhisperTranscriber(bound, files, readGenerationConfig(files));
  }

  get executionProvider(): ExecutionProviderName {
    return this.bound.provider;
  }

  /** Whisper's language codes, from the pack's own generation config. */
  get languages(): string[] {
    return [...this.tokens.languages.values()];
  }

  transcribe(audio: Float32Array | SampleReader, options: TranscribeOptions): Promise<Transcript> {
    const samples = audio instanceof Float32Array ? arraySamples(audio, whisperSampleRate) : audio;
    const run = this.queue.then(() => this.transcribeNow(samples, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async transcribeNow(samples: SampleReader, options: TranscribeOptions): Promise<Transcript> {
    if (samples.sampleRate !== whisperSampleRate) throw new RedubError('E_INTERNAL', { details: [`Whisper reads ${whisperSampleRate} Hz audio, not ${samples.sampleRate} Hz.`] });
    const durationMs = (samples.length * 1000) / whisperSampleRate;
    const windows = speechWindows(options.regions, durationMs, (startMs, endMs) => quietestMoment(samples, whisperSampleRate, startMs, endMs));
    let language = options.language;
    let languageProbability: number | null = null;
    if (language && this.tokens.multilingual && !this.languages.includes(language)) {
      throw new RedubError('E_LANGUAGE_UNSUPPORTED', {
        message: `Whisper does not know the spoken language "${language}".`,
        action: `Leave --from out to let Whisper detect the language, or pass one it knows: ${this.languages.join(', ')}.`,
      });
    }
    // Log-mel features per window, computed once: detection and transcription share the first ones.
    // Each window's samples are read for its features only, so a film is never held whole.
    const features = new Map<SpeechWindow, Promise<Record<string, unknown>>>();
    const featuresOf = (window: SpeechWindow) => {
      let computed = features.get(window);
      if (!computed) features.set(window, (computed = this.bound.value.features(slice(samples, window))));
      return computed;
    };
    if (!language && windows.length > 0 && this.tokens.multilingual) {
      ({ language, probability: languageProbability } = await this.detectLanguage(windows.slice(0, detectionWindows), featuresOf));
    }
    const cues: TranscribedCue[] = [];
    let droppedLoops = 0;
    for (const [index, window] of windows.entries()) {
      for (const cue of await this.transcribeWindow(await featuresOf(window), window, language)) {
        if (isRepetitionLoop(cue.text)) droppedLoops++;
        else cues.push(cue);
      }
      features.delete(window);
      options.onProgress?.((index + 1) / windows.length);
    }
    if (windows.length === 0) options.onProgress?.(1);
    return { language: language ?? 'en', languageProbability, cues, droppedLoops };
  }

  /** The language whose token is likeliest right after <|startoftranscript|>, over a few windows. */
  private async detectLanguage(windows: SpeechWindow[], featuresOf: (window: SpeechWindow) => Promise<Record<string, unknown>>): Promise<{ language: string; probability: number }> {
    const totals = new Map<number, number>();
    for (const window of windows) {
      const features = await featuresOf(window);
      const probabilities = await this.bound.run(async (parts) => {
        const { dims, data } = (await parts.model.forward({ ...features, decoder_input_ids: await decoderIds([this.tokens.startOfTranscript]) })).logits;
        const vocabulary = dims.at(-1)!;
        const offset = data.length - vocabulary;
        return softmaxOver([...this.tokens.languages.keys()], (id) => Number(data[offset + id]));
      });
      for (const [id, probability] of probabilities) totals.set(id, (totals.get(id) ?? 0) + probability / windows.length);
    }
    const [bestId, probability] = [...totals.entries()].reduce((best, entry) => (entry[1] > best[1] ? entry : best));
    return { language: this.tokens.languages.get(bestId)!, probability };
  }

  private async transcribeWindow(features: Record<string, unknown>, window: SpeechWindow, language: string | null): Promise<TranscribedCue[]> {
    const windowMs = window.endMs - window.startMs;
    const generated = await this.bound.run(async (parts) => {
      const prompt = this.tokens.multilingual ? { language, task: 'transcribe' } : {};
      // max_new_tokens keeps transformers.js from seeking past the window: windows are ours.
      const output = await parts.model.generate({ ...features, ...prompt, return_timestamps: true, max_new_tokens: Math.max(1, this.tokens.maxLength - 4) });
      return firstRow(output);
    });
    // The prompt (<|startoftranscript|>, language, task) is special tokens, which carry no text.
    return whisperSegments(generated, this.tokens, windowMs)
      .map((segment) => ({
        startMs: Math.round(window.startMs + segment.startMs),
        endMs: Math.round(window.startMs + segment.endMs),
        text: cleanText(this.bound.value.decode(segment.tokens)),
      }))
      .filter((cue) => cue.text !== '');
  }

  async dispose(): Promise<void> {
    await this.bound.dispose();
  }
}

/** Loads model, feature extractor and tokenizer from the pack folder with transformers.js. */
function transformersWhisper(dir: string): PretrainedLoader<WhisperParts> {
  return async (device, precision) => {
    const transformers = await loadTransformers();
    const options = { local_files_only: true, device: device as 'cpu', dtype: precision };
    const [model, processor, tokenizer] = await Promise.all([
      transformers.WhisperForConditionalGeneration.from_pretrained(dir, options),
      transformers.AutoProcessor.from_pretrained(dir, { local_files_only: true }),
      transformers.AutoTokenizer.from_pretrained(dir, { local_files_only: true }),
    ]);
    return {
      model: model as unknown as WhisperParts['model'],
      features: (audio) => processor(audio) as Promise<Record<string, unknown>>,
      decode: (ids) => tokenizer.decode(ids, { skip_special_tokens: true }),
    };
  };
}

function readGenerationConfig(pack: PackFiles): WhisperGenerationConfig {
  const file = path.join(pack.dir, 'generation_config.json');
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new RedubError('E_MODEL_CORRUPT', { message: `${file} is not valid JSON.`, action: `Install the pack "${pack.packId}" again.`, details: [(error as Error).message] });
  }
  const missing = generationConfigFields.filter((field) => config[field] === undefined || config[field] === null);
  if (missing.length > 0) {
    throw new RedubError('E_MODEL_CORRUPT', { message: `${file} lacks ${missing.join(', ')}, which Whisper's timestamps and languages need.`, action: `Install the pack "${pack.packId}" again.` });
  }
  return config as unknown as WhisperGenerationConfig;
}

function slice(samples: SampleReader, window: SpeechWindow): Float32Array {
  return samples.read(Math.floor((window.startMs * whisperSampleRate) / 1000), Math.ceil((window.endMs * whisperSampleRate) / 1000));
}

/** One row of token ids as the int64 tensor the decoder takes. */
async function decoderIds(ids: number[]): Promise<unknown> {
  const { Tensor } = await loadTransformers();
  return new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
}

/** Probabilities of `ids` among themselves (a softmax over just those logits). */
function softmaxOver(ids: number[], logit: (id: number) => number): Map<number, number> {
  const values = ids.map(logit);
  const max = Math.max(...values);
  const exps = values.map((value) => Math.exp(value - max));
  const sum = exps.reduce((total, value) => total + value, 0);
  return new Map(ids.map((id, index) => [id, exps[index]! / sum]));
}

/** The generated ids of the first (only) row, as numbers. */
function firstRow(output: unknown): number[] {
  const tensor = output as { tolist?: () => unknown[][] } | unknown[][];
  const rows = Array.isArray(tensor) ? tensor : tensor.tolist?.();
  return (rows?.[0] ?? []).map(Number);
}

/** Whisper's text with its leading space and doubled spaces gone. */
function cleanText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
