// The transcribe stage: the cues the dub speaks, in the original language — imported from the
// user's subtitles, or transcribed by Whisper over the speech the vad stage found. Skipped when
// the job has neither (its translation file is all it speaks).
import type { ExecutionPreference } from '../../../shared/contract.js';
import { RedubError } from '../../../shared/errors.js';
import type { Transcriber } from '../../engines/asr/transcriber.js';
import { engineRevisions } from '../../engines/revisions.js';
import type { SpeechRegion } from '../../engines/vad/voice-activity-detector.js';
import type { SubtitleCue } from '../../subtitles/subtitle-types.js';
import { importSubtitles, type StyledCues } from '../subtitle-import.js';
import { wavSampleReader } from '../../media/wav-chunks.js';
import type { EngineCache } from '../engine-cache.js';
import { packState } from '../model-state.js';
import { declareStage, placementFor } from '../stage.js';
import { extractStage } from './extract.js';
import { providerIsNeutral, vadStage } from './vad.js';

export interface ImportTranscriptParams {
  engine: 'import';
  subtitlesPath: string;
  /** The file's content when the job was queued: a file edited since is refused, not read. */
  subtitlesHash: string;
  /** The encoding the user named for it; null to detect it. */
  encoding: string | null;
}

export interface WhisperTranscriptParams {
  engine: 'whisper';
  model: { packId: string; packDir: string };
  analysisPath: string;
  regions: SpeechRegion[];
  /** The spoken language when the user named it (--from); null to detect it. */
  language: string | null;
  executionProvider: ExecutionPreference;
}

export type TranscribeParams = ImportTranscriptParams | WhisperTranscriptParams;

export interface TranscribeResult {
  cues: SubtitleCue[];
  /** The spoken language: named by the user or detected by Whisper; absent for imported subtitles. */
  language?: string;
  /** Imported ASS: its styles, for an ASS export. */
  styled?: StyledCues;
}

export const packDirIsNeutral = "The pack's id and the state of its manifest stand for its files: a pack installed again changes the key, a data folder that moved does not.";
export const subtitlePathIsNeutral = 'Its content hash stands for it: moving the file changes nothing, editing it makes a new job.';

function loadWhisper(engines: EngineCache, model: WhisperTranscriptParams['model'], preference: ExecutionPreference, log: (message: string) => void): Promise<Transcriber> {
  return engines.warmModel(
    'whisper',
    preference,
    model.packDir,
    (sink) => import('../../engines/asr/whisper-transcriber.js').then(({ WhisperTranscriber }) => WhisperTranscriber.load({ dir: model.packDir, packId: model.packId }, { preference, log: sink })),
    log,
  );
}

export const transcribeStage = declareStage<TranscribeParams, TranscribeResult>({
  name: 'transcribe',
  // 2: overlapping cues kept, lines kept apart, speakers and ASS styles, warnings.
  version: 2,
  weight: { plain: 3, neural: 30 },
  consumes: [extractStage, vadStage],
  // Imported subtitles need neither the audio nor its speech regions: synthesis starts beside the VAD.
  waitsFor: (options) => (options.subtitlesPath ? [] : [extractStage, vadStage]),
  plan({ options, output }) {
    if (options.subtitlesPath && options.subtitlesHash) return { engine: 'import', subtitlesPath: options.subtitlesPath, subtitlesHash: options.subtitlesHash, encoding: options.subtitlesEncoding };
    if (!options.transcription) return null;
    const extract = output(extractStage)!;
    // Not keyed by target language: every language of this video shares one transcript.
    return {
      engine: 'whisper',
      model: { packId: options.transcription.packId, packDir: options.transcription.packDir },
      analysisPath: extract.file(extract.result.analysisFile),
      regions: output(vadStage)!.result.regions,
      language: options.sourceLanguage,
      executionProvider: options.executionProvider,
    };
  },
  outputNeutral: {
    subtitlesPath: subtitlePathIsNeutral,
    'model.packDir': packDirIsNeutral,
    executionProvider: `${providerIsNeutral} (On a GPU Whisper runs its fp32 file, on the CPU its 8-bit one; the few words they differ in do not warrant a second transcript of the same audio.)`,
  },
  keyExtras: (params) => (params.engine === 'whisper' ? { engine: engineRevisions.whisper, pack: packState(params.model.packDir) } : null),
  placement: (params) => placementFor(params.engine === 'whisper' ? params.model : null, 'asr'),
  async run(params, context) {
    if (params.engine === 'import') {
      const { cues, styled } = await importSubtitles(params.subtitlesPath, params.subtitlesHash, 'subtitles', params.encoding, context.log);
      return { cues, ...(styled ? { styled } : {}) };
    }
    const whisper = await loadWhisper(context.engines, params.model, params.executionProvider, (message) => context.log('warn', message));
    // Whisper reads each 30 s window from the file as it comes to it, not the whole track.
    const transcript = await whisper.transcribe(wavSampleReader(params.analysisPath), {
      language: params.language ? params.language.split('-')[0]! : null,
      regions: params.regions,
      onProgress: (fraction) => context.reportProgress(fraction),
    });
    context.useExecutionProvider(whisper.executionProvider);
    if (transcript.droppedLoops > 0) {
      context.log('warn', `Left out ${transcript.droppedLoops} transcribed line${transcript.droppedLoops > 1 ? 's' : ''} that repeat themselves (a Whisper decoding loop, not speech); check those moments and add their text by hand if needed.`);
    }
    const detected = transcript.languageProbability === null ? '' : ` (detected, ${Math.round(transcript.languageProbability * 100)}% sure)`;
    context.log('info', `Whisper (${params.model.packId}) transcribed ${transcript.cues.length} cues in ${transcript.language}${detected} on ${whisper.executionProvider}.`);
    return { cues: transcript.cues, language: transcript.language };
  },
  recorded({ result }, context) {
    if (!context.options.sourceLanguage && result.language) context.noteDetectedSourceLanguage(result.language);
    if (!context.options.subtitlesPath && result.cues.length === 0) {
      const regions = context.output(vadStage)!.result.regions.length;
      throw new RedubError('E_NO_SPEECH', { details: [`Speech detection found ${regions} speech regions; Whisper (${context.options.transcription?.packId}) wrote no text for them.`] });
    }
  },
});

/** A file the job was queued with that has changed since: reading it would dub other lines under the old key. */
