// Owns speaker diarization, sherpa-onnx's pyannote pipeline on ONNX Runtime: a segmentation model
// reads 10 s windows (every second) and says which of its three local speakers talks at each
// frame; each local speaker's solo speech in a window is embedded; the embeddings are clustered
// into speakers; and the windows' frames, relabelled with those speakers, become turns. The
// track is read a window at a time, so an hour holds one window of samples, the activity of
// every window (1.8 kB each) and one embedding per local speaker per window.

import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { RedubError } from '../../../shared/errors.js';
import type { SampleReader } from '../../media/wav-chunks.js';
import type { ExecutionPreference, ExecutionProviderName } from '../../models/execution-providers.js';
import { clusterEmbeddings, defaultClusterThreshold } from './clustering.js';
import { EmbeddingModel } from './embedding-model.js';
import type { EmbeddingParameters, SegmentationParameters } from './pack-parameters.js';
import { SegmentationModel } from './segmentation-model.js';
import { soloRuns, windowStarts } from './segmentation-windows.js';
import { TurnBuilder, type SpeakerTurn } from './speaker-turns.js';
import { WindowFeatures } from './window-features.js';
import { engineRevisions } from '../revisions.js';

export { embeddingParameters, segmentationParameters, type EmbeddingParameters, type SegmentationParameters } from './pack-parameters.js';
export { speakerDuring, type SpeakerTurn } from './speaker-turns.js';

/** Bump when the diarization's output for the same audio and models changes. */
export const diarizationRevision = engineRevisions.diarization;
/** A local speaker with fewer solo frames in a window than this is not embedded (sherpa-onnx: 10, 0.17 s). */
export const minEmbeddedFrames = 10;

export interface DiarizerPacks {
  segmentationPath: string;
  segmentation: SegmentationParameters;
  embeddingPath: string;
  embedding: EmbeddingParameters;
}

export interface DiarizeOptions {
  /** Exactly this many speakers; otherwise as many as the threshold gives. */
  speakerCount?: number;
  /** Cosine distance above which voices count as different speakers (0.5). */
  threshold?: number;
  onProgress?: (fraction: number) => void;
  /** Awaited before each window: where a paused job waits, and where a cancelled one throws. */
  pause?: () => Promise<void>;
}

export class Diarizer {
  private constructor(
    private readonly segmentation: SegmentationModel,
    private readonly embedding: EmbeddingModel,
    readonly version: string,
  ) {}

  static async load(packs: DiarizerPacks, options: { preference: ExecutionPreference; log?: (message: string) => void }): Promise<Diarizer> {
    if (packs.segmentation.sampleRate !== packs.embedding.sampleRate) {
      throw new RedubError('E_MODEL_CORRUPT', {
        message: `The speaker segmentation pack reads ${packs.segmentation.sampleRate} Hz audio and the speaker embedding pack ${packs.embedding.sampleRate} Hz; diarization needs both at one rate.`,
        action: 'Install a segmentation and an embedding pack made for the same sample rate (16 kHz).',
      });
    }
    const segmentation = await SegmentationModel.load(packs.segmentationPath, packs.segmentation, options.preference, options.log);
    let embedding: EmbeddingModel;
    try {
      embedding = await EmbeddingModel.load(packs.embeddingPath, packs.embedding, options.preference, options.log);
    } catch (error) {
      await segmentation.release().catch(() => undefined);
      throw error;
    }
    return new Diarizer(segmentation, embedding, diarizerVersion(packs));
  }

  /** Where both models run; the CPU when either fell back to it. */
  get executionProvider(): ExecutionProviderName {
    const providers = [this.segmentation.holder.provider, this.embedding.holder.provider];
    return providers.includes('cpu') ? 'cpu' : providers[0]!;
  }

  /** The speaker turns of a mono track at the packs' rate, in order of start. */
  async diarize(reader: SampleReader, options: DiarizeOptions = {}): Promise<SpeakerTurn[]> {
    const parameters = this.segmentation.parameters;
    if (reader.sampleRate !== parameters.sampleRate) {
      throw new RedubError('E_INTERNAL', { details: [`Diarization reads ${parameters.sampleRate} Hz audio; this track is ${reader.sampleRate} Hz and must be resampled first.`] });
    }
    const { speakerCount, threshold = defaultClusterThreshold } = options;
    if (speakerCount !== undefined && !(Number.isInteger(speakerCount) && speakerCount >= 1)) {
      throw new RedubError('E_INTERNAL', { details: [`A speaker count of ${speakerCount} is not a whole number of one or more.`] });
    }
    if (!(threshold > 0 && threshold <= 2)) throw new RedubError('E_INTERNAL', { details: [`A clustering threshold of ${threshold} is outside (0, 2].`] });

    const starts = windowStarts(reader.length, parameters);
    const turns = new TurnBuilder(parameters, this.segmentation.frames);
    const embeddings: Float32Array[] = [];
    /** For each window, the embedding index of each local speaker (−1: not embedded). */
    const embeddingOf: Int32Array[] = [];
    const window = new Float32Array(parameters.windowSamples);
    const fbank = new WindowFeatures(this.embedding.fbank, this.embedding.parameters.sampleScale, parameters.windowSamples);
    for (const [index, start] of starts.entries()) {
      await options.pause?.();
      const samples = reader.read(start, start + parameters.windowSamples);
      window.fill(0);
      window.set(samples);
      const activity = await this.segmentation.activity(window);
      turns.add(start, activity);
      const features = fbank.features(window, start, samples.length);
      const indexes = new Int32Array(parameters.localSpeakers).fill(-1);
      for (let speaker = 0; speaker < parameters.localSpeakers; speaker++) {
        const runs = soloRuns(activity, this.segmentation.frames, parameters.localSpeakers, speaker, minEmbeddedFrames, parameters);
        const speech = runs && fbank.select(features, runs, samples.length);
        if (!speech || speech.frames === 0) continue;
        indexes[speaker] = embeddings.length;
        embeddings.push(await this.embedding.embedFeatures(speech.features, speech.frames));
      }
      embeddingOf.push(indexes);
      options.onProgress?.((0.98 * (index + 1)) / starts.length);
    }
    if (embeddings.length === 0) {
      options.onProgress?.(1);
      return [];
    }
    const labels = clusterEmbeddings(embeddings, { speakerCount, threshold });
    const clusters = Math.max(...labels) + 1;
    const result = turns.build((windowIndex, local) => {
      const embedding = embeddingOf[windowIndex]![local]!;
      return embedding < 0 ? -1 : labels[embedding]!;
    }, clusters, (reader.length * 1000) / reader.sampleRate);
    options.onProgress?.(1);
    return result;
  }

  async release(): Promise<void> {
    await Promise.allSettled([this.segmentation.release(), this.embedding.release()]);
  }
}

/** The revision, both model files (name, size, modification time) with their parameters, and ONNX Runtime's version. */
function diarizerVersion(packs: DiarizerPacks): string {
  const digest = (file: string, parameters: object) => {
    const stats = statSync(file);
    return createHash('sha256').update(`${path.basename(file)}\0${stats.size}\0${stats.mtimeMs}\0${JSON.stringify(parameters)}`).digest('hex').slice(0, 12);
  };
  return `${diarizationRevision}+segmentation-${digest(packs.segmentationPath, packs.segmentation)}+embedding-${digest(packs.embeddingPath, packs.embedding)}+ort-${ort.env.versions.node ?? ort.env.versions.common}`;
}
