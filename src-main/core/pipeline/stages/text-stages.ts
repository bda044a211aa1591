// Stages that produce the cues: speech detection on the analysis audio, transcription by
// importing the user's subtitles, and translation by importing the user's translated subtitles.
import type { ExecutionPreference } from '../../../shared/contract.js';
import { readWav } from '../../media/wav.js';
import { readSubtitleFile, type SubtitleCue } from '../../media/subtitles.js';
import type { SpeechRegion } from '../../engines/vad/voice-activity-detector.js';
import { alignCues, type DubCue } from '../align-cues.js';
import type { StageImplementation } from '../stage.js';

export interface VadParams {
  analysisPath: string;
  /** The job's execution-provider preference; older tasks lack it and mean 'auto'. */
  executionProvider?: ExecutionPreference;
}

export const vadStage: StageImplementation<VadParams, { regions: SpeechRegion[] }> = {
  name: 'vad',
  async run(params, context) {
    const detector = await context.engines.voiceActivityDetector(params.executionProvider ?? 'auto');
    // The detector is shared by the worker's tasks: each job's log says why it runs where it does.
    for (const warning of detector.providerWarnings) context.log('warn', warning);
    const audio = readWav(params.analysisPath);
    const regions = await detector.detect(
      audio.channels[0] ?? new Float32Array(0),
      undefined,
      (fraction) => context.reportProgress(fraction),
      (warning) => context.log('warn', warning),
    );
    // Read after detecting: a GPU that failed mid-run leaves the detector on the CPU.
    context.useExecutionProvider(detector.executionProvider);
    context.log('info', `Found ${regions.length} speech regions on ${detector.executionProvider}.`);
    return { regions };
  },
};

export const transcribeStage: StageImplementation<{ subtitlesPath: string }, { cues: SubtitleCue[] }> = {
  name: 'transcribe',
  async run(params, context) {
    const cues = await readSubtitleFile(params.subtitlesPath);
    context.log('info', `Imported ${cues.length} source cues from ${params.subtitlesPath}.`);
    return { cues };
  },
};

export interface TranslateParams {
  translationPath: string;
  sourceCues: SubtitleCue[] | null;
}

export const translateStage: StageImplementation<TranslateParams, { cues: DubCue[] }> = {
  name: 'translate',
  async run(params, context) {
    const target = await readSubtitleFile(params.translationPath);
    context.log('info', `Imported ${target.length} translated cues from ${params.translationPath}.`);
    return { cues: alignCues(params.sourceCues, target) };
  },
};
