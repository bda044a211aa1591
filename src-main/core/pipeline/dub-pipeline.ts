// The dub of one video into one language: the pipeline's stages run in order, each planned from
// the job's options and the outputs of the stages it consumes, each cached under a key derived
// from its params — so a change anywhere invalidates exactly what follows it. Then the outputs
// are published to the user's folder, by the process that still holds the job.
import type { JobOutputs, ResourceClass, StageName } from '../../shared/jobs.js';
import type { Store } from '../store/store.js';
import type { WorkerPool } from '../worker-host/worker-pool.js';
import type { ArtifactCache } from './artifact-cache.js';
import { readJobOptions, type DubJobOptions } from './dub-options.js';
import { findMixBase } from './mix-base.js';
import { publishOutputs } from './publish-outputs.js';
import type { AnyStage, RecordContext, ResultOf, StageOutput } from './stage.js';
import { dubStages } from './stage-registry.js';
import { StageRunner } from './stage-runner.js';
import { exportStage } from './stages/export.js';
import { mixStage } from './stages/mix.js';
import { synthesizeStage } from './stages/synthesize.js';

export interface PipelineServices {
  store: Store;
  cache: ArtifactCache;
  pools: Record<ResourceClass, WorkerPool>;
  /** The stages to run; the dub pipeline by default (tests add their own). */
  stages?: readonly AnyStage[];
}

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
  const options = readJobOptions(job.options);
  const { store, cache } = services;
  const stages = services.stages ?? dubStages;
  const runner = new StageRunner(
    job.id,
    {
      stages: store.stages,
      logs: store.logs,
      artifacts: store.artifacts,
      cache,
      pools: services.pools,
      holdsLease: () => !job.allocationId || store.jobs.holdsLease(job.id, job.allocationId),
    },
    signal,
    onProgress,
    progressWeights(stages, options),
  );

  const outputs = new Map<string, StageOutput<unknown> | null>();
  const cueLayer = store.cueLayers.current(job.id);
  const contextFor = (stage: AnyStage): RecordContext => ({
    jobId: job.id,
    options,
    cueLayer,
    output: <Result>(consumed: AnyStage<Result>) => {
      if (!stage.consumes.includes(consumed)) throw new Error(`Stage "${stage.name}" reads "${consumed.name}" without declaring it in consumes.`);
      return (outputs.get(consumed.name) ?? null) as StageOutput<Result> | null;
    },
    mixBase: (extractKey, targetLufs) => findMixBase(store.artifacts, cache, extractKey, targetLufs),
    log: (level, message) => store.logs.append(job.id, level, stage.name, message),
    replaceCues: (cues) => store.cues.replace(job.id, cues),
    replaceBaseCues: (cues) => store.cueLayers.replaceBase(job.id, cues),
    updateCues: (patches) => store.cues.patch(job.id, patches),
    noteDetectedSourceLanguage: (language) => store.jobs.noteDetectedSourceLanguage(job.id, language),
    recordMedia: (media) => store.jobs.setMedia(job.id, media),
  });

  for (const stage of stages) {
    const context = contextFor(stage);
    const params = stage.plan(context);
    if (params === null) {
      runner.skip(stage.name);
      outputs.set(stage.name, null);
      continue;
    }
    const output = await runner.run(stage, params);
    outputs.set(stage.name, output);
    stage.recorded?.(output, context);
  }

  // The user's folder is written only by the process that still holds the job.
  runner.assertLeaseHeld();
  const exported = outputs.get(exportStage.name) as StageOutput<ResultOf<typeof exportStage>>;
  const mixed = outputs.get(mixStage.name) as StageOutput<ResultOf<typeof mixStage>>;
  const published = publishOutputs(options.inputPath, options.outDir, options.language, {
    video: exported.file(exported.result.videoFile),
    subtitles: exported.file(exported.result.subtitlesFile),
    // Results cached before export wrote WebVTT have no webVttFile.
    ...(exported.result.webVttFile ? { webVtt: exported.file(exported.result.webVttFile) } : {}),
    ...(exported.result.assFile ? { ass: exported.file(exported.result.assFile) } : {}),
    dubStem: mixed.file(mixed.result.voiceFile),
  });
  store.jobs.setRenderedCueRevision(job.id, cueLayer.revision);
  const synthesized = outputs.get(synthesizeStage.name) as StageOutput<ResultOf<typeof synthesizeStage>> | null;
  return { outputs: published, cuesSynthesized: !synthesized || synthesized.reused ? 0 : synthesized.result.synthesizedCount };
}

/** Each stage's share of 0–100: its declared weight, scaled so the pipeline's shares add up to 100. */
export function progressWeights(stages: readonly AnyStage[], options: DubJobOptions): Map<StageName, number> {
  // Jobs that transcribe or translate with a model spend much of their time there.
  const neural = Boolean((!options.subtitlesPath && options.transcription) || (!options.translationPath && options.translators));
  const raw = stages.map((stage) => [stage.name, stage.skipsJob?.(options) ? 0 : neural ? stage.weight.neural : stage.weight.plain] as const);
  const total = raw.reduce((sum, [, weight]) => sum + weight, 0) || 1;
  return new Map(raw.map(([name, weight]) => [name, (weight * 100) / total]));
}
