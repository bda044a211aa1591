// The dub of one video into one language, as a chain of cached stages. Each stage's key is built
// from the keys of what it consumes, so a change anywhere invalidates exactly what follows it.
import { statSync } from 'node:fs';
import path from 'node:path';
import { RedubError } from '../../shared/errors.js';
import { neuralStageWeights, stageWeights, type CueRecord, type JobOutputs } from '../../shared/jobs.js';
import type { SpeechRegion } from '../engines/vad/voice-activity-detector.js';
import type { MediaInfo } from '../media/probe.js';
import { manifestName } from '../models/model-store.js';
import type { DubCue } from './align-cues.js';
import { dubJobOptionsSchema, speechOf, type DubJobOptions } from './dub-options.js';
import { publishOutputs } from './publish-outputs.js';
import type { ExtractResult } from './stages/media-stages.js';
import type { ExportResult } from './stages/output-stages.js';
import type { MixResult } from './stages/mix-stage.js';
import { findMixBase } from './mix-base.js';
import type { FitParams, FittedCue, SynthesizeParams, SynthesizeResult } from './stages/speech-stages.js';
import { modelStageResource } from './stage.js';
import { StageRunner, type PipelineServices, type StageOutput } from './stage-runner.js';
import type { MachineTranslationParams, TranscribeResult, WhisperTranscriptParams } from './stages/text-stages.js';
import { speechCoverageWarnings } from './speech-coverage.js';

export interface DubRunResult {
  outputs: JobOutputs;
  cuesSynthesized: number;
}

export async function runDubJob(
  job: { id: string; options: unknown; allocationId?: string | null },
  services: PipelineServices,
  signal: AbortSignal,
  onProgress: (progress: number, etaMs: number | null) => void,
): Promise<DubRunResult> {
  const options = dubJobOptionsSchema.parse(job.options);
  const { store } = services;
  // Jobs that transcribe or translate with a model spend much of their time there.
  const neural = (!options.subtitlesPath && options.transcription) || (!options.translationPath && options.translators);
  const runner = new StageRunner(job.id, services, signal, onProgress, neural ? neuralStageWeights : stageWeights, job.allocationId ?? null);
  const input = { fingerprint: options.inputFingerprint };

  const probe = await runner.run<MediaInfo>('probe', { ...input, limits: options.limits }, { inputPath: options.inputPath, limits: options.limits });
  const media = probe.result;
  const extract = await runner.run<ExtractResult>('extract', { ...input, audio: media.audio.index }, {
    inputPath: options.inputPath,
    audioIndex: media.audio.index,
    durationMs: media.durationMs,
  });
  const vad = await runner.run<{ regions: SpeechRegion[] }>('vad', { extract: extract.key }, {
    analysisPath: extract.file(extract.result.analysisFile),
    // Not in the key: the provider changes where speech detection runs, not what it finds.
    executionProvider: options.executionProvider,
  });

  const transcribe = await transcribeJob(runner, options, vad, extract);
  if (!options.sourceLanguage && transcribe?.result.language) store.noteDetectedSourceLanguage(job.id, transcribe.result.language);
  if (transcribe && !options.subtitlesPath && transcribe.result.cues.length === 0) {
    throw new RedubError('E_NO_SPEECH', { details: [`Speech detection found ${vad.result.regions.length} speech regions; Whisper (${options.transcription?.packId}) wrote no text for them.`] });
  }
  const translate = await translateJob(runner, options, transcribe);
  const cues = translate.result.cues;
  store.replaceCues(job.id, cues.map(toCueRecord));
  for (const warning of speechCoverageWarnings(cues, vad.result.regions)) store.log(job.id, 'warn', 'vad', warning);

  const speech = speechOf(options);
  const synthesizeKey = { language: options.language, voice: speech.voice, cues: cues.map((cue) => ({ index: cue.index, text: cue.targetText })) };
  // eSpeak keeps the key it always had; a Piper voice adds its model and that file's state, so a
  // reinstalled voice is synthesized again. The provider stays out: it changes where, not what.
  const piperKey = speech.engine === 'piper' ? { engine: 'piper', model: speech.modelPath ?? null, modelState: fileState(speech.modelPath) } : {};
  const synthesize = await runner.run<SynthesizeResult>('synthesize', { ...synthesizeKey, ...piperKey }, {
    ...synthesizeKey,
    engine: speech.engine,
    modelPath: speech.modelPath ?? null,
    executionProvider: options.executionProvider,
  } satisfies SynthesizeParams, speech.engine === 'piper' ? modelStageResource : undefined);
  store.log(job.id, 'info', 'synthesize', speech.engine === 'piper' ? `Speech engine: Piper, voice ${speech.voice} (pack ${speech.packId ?? speech.packDir ?? '?'}).` : `Speech engine: eSpeak NG, voice ${speech.voice ?? `the ${options.language} default`}.`);
  const timing = new Map(cues.map((cue) => [cue.index, cue]));
  const fit = await runner.run<{ cues: FittedCue[] }>(
    'fit',
    { synthesize: synthesize.key, slots: cues.map((cue) => [cue.startMs, cue.endMs]), maxSpeed: options.maxSpeed, end: media.durationMs },
    {
      maxSpeed: options.maxSpeed,
      timelineEndMs: media.durationMs,
      cues: synthesize.result.cues.map((cue) => ({ ...cue, startMs: timing.get(cue.index)!.startMs, endMs: timing.get(cue.index)!.endMs, text: timing.get(cue.index)!.targetText })),
      // Not in the key: the synthesize key already names the voice, and the provider changes where, not what.
      ...(speech.engine === 'piper' && speech.modelPath ? { piper: { modelPath: speech.modelPath, voice: synthesize.result.voice, executionProvider: options.executionProvider } } : {}),
    } satisfies FitParams,
    speech.engine === 'piper' ? modelStageResource : undefined,
  );
  store.updateCues(job.id, fit.result.cues.map((cue) => ({ index: cue.index, speedFactor: cue.speedFactor, placedStartMs: cue.placedStartMs, placedEndMs: cue.placedEndMs, flag: cue.flag })));

  const mixCues = fit.result.cues.map(({ file, placedStartMs, placedEndMs }) => ({ file, placedStartMs, placedEndMs }));
  const mix = await runner.run<MixResult>('mix', { extract: extract.key, fit: fit.key, targetLufs: options.targetLufs }, {
    extractKey: extract.key,
    originalPath: extract.file(extract.result.mixFile),
    targetLufs: options.targetLufs,
    cues: mixCues,
    base: findMixBase(services, extract.key, options.targetLufs),
  });
  const exported = await runner.run<ExportResult>(
    'export',
    { ...input, mix: mix.key, translate: translate.key, language: options.language, sourceLanguage: spokenLanguage(options, transcribe) },
    {
      inputPath: options.inputPath,
      media,
      mixPath: mix.file(mix.result.mixFile),
      language: options.language,
      sourceLanguage: spokenLanguage(options, transcribe),
      cues: cues.map((cue) => ({ startMs: cue.startMs, endMs: cue.endMs, text: cue.targetText })),
    },
  );

  // The user's folder is written only by the process that still holds the job.
  runner.assertLeaseHeld();
  const outputs = publishOutputs(options.inputPath, options.outDir, options.language, {
    video: exported.file(exported.result.videoFile),
    subtitles: exported.file(exported.result.subtitlesFile),
    dubStem: mix.file(mix.result.voiceFile),
  });
  return { outputs, cuesSynthesized: synthesize.reused ? 0 : synthesize.result.synthesizedCount };
}

type Transcribed = StageOutput<TranscribeResult> | null;

/** The user's subtitles, or Whisper's transcript when the job has a Whisper pack; null when neither. */
async function transcribeJob(runner: StageRunner, options: DubJobOptions, vad: StageOutput<{ regions: SpeechRegion[] }>, extract: StageOutput<ExtractResult>): Promise<Transcribed> {
  if (options.subtitlesPath && options.subtitlesHash) {
    return runner.run<TranscribeResult>('transcribe', { subtitles: options.subtitlesHash }, { subtitlesPath: options.subtitlesPath });
  }
  const whisper = options.transcription;
  if (!whisper) {
    runner.skip('transcribe');
    return null;
  }
  // Not keyed by target language: every language of this video shares one transcript.
  return runner.run<TranscribeResult>(
    'transcribe',
    { engine: 'whisper', pack: whisper.packId, packState: folderState(whisper.packDir), vad: vad.key, language: options.sourceLanguage },
    {
      engine: 'whisper',
      packId: whisper.packId,
      packDir: whisper.packDir,
      analysisPath: extract.file(extract.result.analysisFile),
      regions: vad.result.regions,
      language: options.sourceLanguage,
      executionProvider: options.executionProvider,
    } satisfies WhisperTranscriptParams,
    modelStageResource,
  );
}

/** The user's translation, or a translation pack's; E_TRANSLATION_REQUIRED when the job has neither. */
async function translateJob(runner: StageRunner, options: DubJobOptions, transcribe: Transcribed): Promise<StageOutput<{ cues: DubCue[] }>> {
  if (options.translationPath && options.translationHash) {
    return runner.run<{ cues: DubCue[] }>('translate', { translation: options.translationHash, transcribe: transcribe?.key ?? null }, {
      translationPath: options.translationPath,
      sourceCues: transcribe?.result.cues ?? null,
    });
  }
  if (!options.translators || !transcribe) throw new RedubError('E_TRANSLATION_REQUIRED', { details: [`Target language: ${options.language}.`] });
  const source = spokenLanguage(options, transcribe);
  if (!source) throw new RedubError('E_USAGE', { message: 'The language of the subtitles is not known, so there is nothing to translate from.', action: 'Pass --from <lang> with the language the subtitles are written in.' });
  const glossary = options.glossary ?? [];
  const packs = options.translators.map((choice) => ({ pack: choice.packId, state: folderState(choice.packDir) }));
  return runner.run<{ cues: DubCue[] }>(
    'translate',
    { engine: 'machine', transcribe: transcribe.key, source, target: options.language, packs, glossary },
    {
      engine: 'machine',
      translators: options.translators,
      sourceCues: transcribe.result.cues,
      source,
      target: options.language,
      glossary,
      executionProvider: options.executionProvider,
    } satisfies MachineTranslationParams,
    modelStageResource,
  );
}

/** The language spoken in the video: the user's --from, else what Whisper detected. */
function spokenLanguage(options: DubJobOptions, transcribe: Transcribed): string | null {
  return options.sourceLanguage ?? transcribe?.result.language ?? null;
}

/** A pack folder's state for cache keys: its manifest's size and time, so a reinstall invalidates. */
function folderState(dir: string): string | null {
  return fileState(path.join(dir, manifestName));
}

function fileState(file: string | undefined): string | null {
  if (!file) return null;
  try {
    const info = statSync(file);
    return `${info.size}:${info.mtimeMs}`;
  } catch {
    return null;
  }
}

function toCueRecord(cue: DubCue): CueRecord {
  return { ...cue, speedFactor: null, placedStartMs: null, placedEndMs: null, flag: null };
}
