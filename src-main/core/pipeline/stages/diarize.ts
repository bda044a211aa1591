// The diarize stage: who speaks when, from the original's 16 kHz analysis track, with a
// pyannote-style segmentation model and a speaker-embedding model (engines/diarization). Its turns
// are keyed by the audio and the packs alone, so editing cues never finds the speakers again; the
// edit stage gives each cue the speaker who talks most inside it. Skipped when the speaker packs
// are not installed or the user said there is one speaker.
import type { ExecutionPreference } from '../../../shared/contract.js';
import type { SpeakerTurn } from '../../engines/diarization/diarizer.js';
import { wavSampleReader } from '../../media/wav-chunks.js';
import type { DubJobOptions } from '../dub-options.js';
import { letHeartbeatsThrough } from '../heartbeats.js';
import { fileState } from '../model-state.js';
import { engineRevisions } from '../../engines/revisions.js';
import { declareStage, placementFor } from '../stage.js';
import { extractStage } from './extract.js';
import { providerIsNeutral } from './vad.js';

export interface DiarizeParams {
  analysisPath: string;
  packs: NonNullable<DubJobOptions['diarization']>;
  executionProvider: ExecutionPreference;
}

export interface DiarizeResult {
  turns: SpeakerTurn[];
  speakers: string[];
}

export const diarizeStage = declareStage<DiarizeParams, DiarizeResult>({
  name: 'diarize',
  version: 1,
  weight: { plain: 8, neural: 6 },
  skipsJob: (options) => options.diarization === null,
  consumes: [extractStage],
  plan({ options, output }) {
    if (!options.diarization) return null;
    const extract = output(extractStage)!;
    return { analysisPath: extract.file(extract.result.analysisFile), packs: options.diarization, executionProvider: options.executionProvider };
  },
  outputNeutral: { executionProvider: providerIsNeutral },
  keyExtras: (params) => ({ engine: engineRevisions.diarization, segmentation: fileState(params.packs.segmentation.modelPath), embedding: fileState(params.packs.embedding.modelPath) }),
  placement: () => placementFor(true, 'diarization'),
  // A window's two models run for well under a second; the engine yields between windows.
  quietMs: () => 60_000,
  async run(params, context) {
    const { Diarizer, embeddingParameters, segmentationParameters } = await import('../../engines/diarization/diarizer.js');
    const { segmentation, embedding, speakerCount } = params.packs;
    const packs = {
      segmentationPath: segmentation.modelPath,
      segmentation: segmentationParameters(segmentation.parameters, segmentation.packId),
      embeddingPath: embedding.modelPath,
      embedding: embeddingParameters(embedding.parameters, embedding.packId),
    };
    const diarizer = await context.engines.warmModel(
      'diarization',
      params.executionProvider,
      `${segmentation.modelPath}|${embedding.modelPath}`,
      (log) => Diarizer.load(packs, { preference: params.executionProvider, log }),
      (message) => context.log('warn', message),
    );
    context.useExecutionProvider(diarizer.executionProvider);
    const turns = await diarizer.diarize(wavSampleReader(params.analysisPath), {
      ...(speakerCount !== null ? { speakerCount } : {}),
      onProgress: (fraction) => context.reportProgress(fraction),
      pause: letHeartbeatsThrough,
    });
    const speakers = [...new Set(turns.map((turn) => turn.speaker))];
    context.log('info', `Found ${speakers.length} speaker${speakers.length === 1 ? '' : 's'} in ${turns.length} turns with ${segmentation.packId} and ${embedding.packId} on ${diarizer.executionProvider}.`);
    return { turns, speakers };
  },
  check: (_params, _directory, result) => (result.turns.every((turn) => turn.endMs > turn.startMs && result.speakers.includes(turn.speaker)) ? [] : ['A speaker turn is empty or names a speaker not listed.']),
});
