// The dub of one video into one language: each stage runs as soon as every stage it consumes has
// settled, so stages that do not need each other overlap on the pools' free workers. Each is
// planned from the job's options and the outputs of the stages it consumes and cached under a key
// derived from its params — so a change anywhere invalidates exactly what follows it. Then the
// outputs are published to the user's folder, by the process that still holds the job.
import type { JobOutputs, ResourceClass, StageName } from '../../shared/jobs.js';
import type { LipSyncPackDirectories } from '../engines/lipsync/lipsync-version.js';
import type { Store } from '../store/store.js';
import type { WorkerPool } from '../worker-host/worker-pool.js';
import type { ArtifactCache } from './artifact-cache.js';
import { readJobOptions, type DubJobOptions } from './dub-options.js';
import { findMixBase } from './mix-base.js';
import { publishOutputs } from './publish-outputs.js';
import type { AnyStage, RecordContext, ResultOf, StageOutput } from './stage.js';
import { assertRunnable, dubStages } from './stage-registry.js';
import { StageRunner } from './stage-runner.js';
import { exportStage } from './stages/export.js';
import { mixStage } from './stages/mix.js';
import { separateStage } from './stages/separate.js';
import { synthesizeStage } from './stages/synthesize.js';

export interface PipelineServices {
  store: Store;
  cache: ArtifactCache;
  pools: Record<ResourceClass, WorkerPool>;
  /** The stages to run; the dub pipeline by default (tests add their own). */
  stages?: readonly AnyStage[];
  /** The lip-sync packs' folders, asked only of a job with segments; rejects with E_MODEL_MISSING. */
  lipSyncPacks?: () => Promise<LipSyncPackDirectories>;
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
  const { store, cache } = services;
  // The lip-sync segments and the speakers' voices as they stand now: a person may have changed them since the job was made.
  const options = { ...readJobOptions(job.options), lipSyncSegments: store.lipSync.segments(job.id), speakerVoices: store.speakerVoices.voices(job.id) };
  // A pack removed since the segments were checked fails the job here, naming it, not mid-render.
  const lipSyncPacks = options.lipSyncSegments.length > 0 && services.lipSyncPacks ? await services.lipSyncPacks() : null;
  const stages = services.stages ?? dubStages;
  // A list that is not runnable in order would leave a stage waiting for ever.
  assertRunnable(stages);
  // Aborted when a stage fails, so its siblings in flight stop the way a cancel stops them.
  const stop = new AbortController();
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
    AbortSignal.any([signal, stop.signal]),
    onProgress,
    progressWeights(stages, options),
  );

  const outputs = new Map<string, StageOutput<unknown> | null>();
  const cueLayer = store.cueLayers.current(job.id);
  /** What recorded() hooks asked to be told when a stage settles (see RecordContext.whenSettled). */
  const settledListeners = new Map<string, (() => void)[]>();
  const contextFor = (stage: AnyStage): RecordContext => ({
    jobId: job.id,
    options,
    cueLayer,
    lipSyncPacks,
    output: <Result>(consumed: AnyStage<Result>) => {
      if (!stage.consumes.includes(consumed)) throw new Error(`Stage "${stage.name}" reads "${consumed.name}" without declaring it in consumes.`);
      if (!outputs.has(consumed.name)) throw new Error(`Stage "${stage.name}" reads "${consumed.name}" before it has run (it does not wait for it).`);
      return (outputs.get(consumed.name) ?? null) as StageOutput<Result> | null;
    },
    mixBase: (extractKey, targetLufs) => findMixBase(store.artifacts, cache, extractKey, targetLufs),
    log: (level, message) => store.logs.append(job.id, level, stage.name, message),
    replaceCues: (cues) => store.cues.replace(job.id, cues),
    replaceBaseCues: (cues) => store.cueLayers.replaceBase(job.id, cues),
    updateCues: (patches) => store.cues.patch(job.id, patches),
    noteDetectedSourceLanguage: (language) => store.jobs.noteDetectedSourceLanguage(job.id, language),
    recordMedia: (media) => store.jobs.setMedia(job.id, media),
    whenSettled: <Result>(consumed: AnyStage<Result>, then: (output: StageOutput<Result> | null) => void) => {
      if (!stage.consumes.includes(consumed)) throw new Error(`Stage "${stage.name}" reads "${consumed.name}" without declaring it in consumes.`);
      const call = () => then((outputs.get(consumed.name) ?? null) as StageOutput<Result> | null);
      if (outputs.has(consumed.name)) call();
      else settledListeners.set(consumed.name, [...(settledListeners.get(consumed.name) ?? []), call]);
    },
  });

  await runStages(stages, runner, outputs, contextFor, stop, options, (name) => {
    const listeners = settledListeners.get(name) ?? [];
    settledListeners.delete(name);
    for (const listener of listeners) listener();
  });

  // The user's folder is written only by the process that still holds the job.
  runner.assertLeaseHeld();
  const exported = outputs.get(exportStage.name) as StageOutput<ResultOf<typeof exportStage>>;
  const mixed = outputs.get(mixStage.name) as StageOutput<ResultOf<typeof mixStage>>;
  const separated = options.stems ? (outputs.get(separateStage.name) as StageOutput<ResultOf<typeof separateStage>> | null) : null;
  const published = publishOutputs(options.inputPath, options.outDir, options.language, {
    video: exported.file(exported.result.videoFile),
    subtitles: exported.file(exported.result.subtitlesFile),
    // Results cached before export wrote WebVTT have no webVttFile.
    ...(exported.result.webVttFile ? { webVtt: exported.file(exported.result.webVttFile) } : {}),
    ...(exported.result.assFile ? { ass: exported.file(exported.result.assFile) } : {}),
    dubStem: mixed.file(mixed.result.voiceFile),
    ...(separated ? { vocalsStem: separated.file(separated.result.vocalsFile), backgroundStem: separated.file(separated.result.backgroundFile) } : {}),
  });
  store.jobs.setRenderedCueRevision(job.id, cueLayer.revision);
  const synthesized = outputs.get(synthesizeStage.name) as StageOutput<ResultOf<typeof synthesizeStage>> | null;
  return { outputs: published, cuesSynthesized: !synthesized || synthesized.reused ? 0 : synthesized.result.synthesizedCount };
}

/**
 * Runs every stage once all it consumes have settled (done, reused or skipped), as many at once as
 * are ready; the pools queue what finds no free worker. A stage is planned only then, and a
 * stage's recorded() runs as it finishes, before anything that consumes it is planned. The first
 * failure stops the rest: nothing new starts, the stages in flight are aborted and awaited (so
 * none of their workers still writes), and that failure is what the job fails with.
 */
async function runStages(
  stages: readonly AnyStage[],
  runner: StageRunner,
  outputs: Map<string, StageOutput<unknown> | null>,
  contextFor: (stage: AnyStage) => RecordContext,
  stop: AbortController,
  options: DubJobOptions,
  onSettled: (name: string) => void,
): Promise<void> {
  const waiting = [...stages];
  const inFlight = new Set<Promise<void>>();
  // Assigned in callbacks, so typed wide: control flow would otherwise read it as always null.
  let failure = null as { error: unknown } | null;
  const fail = (error: unknown) => {
    failure ??= { error };
    stop.abort();
  };
  const settled = (stage: AnyStage) => (stage.waitsFor?.(options) ?? stage.consumes).every((consumed) => outputs.has(consumed.name));

  // One pass in list order starts everything ready: a stage comes after all it consumes
  // (assertRunnable), so a skip settles its consumers before the pass reaches them, and the
  // ready stages reach the pools in the pipeline's order.
  const startReady = () => {
    for (const stage of [...waiting]) {
      if (failure) return;
      if (!settled(stage)) continue;
      waiting.splice(waiting.indexOf(stage), 1);
      try {
        runner.throwIfStopped();
        const context = contextFor(stage);
        const params: unknown = stage.plan(context);
        if (params === null) {
          runner.skip(stage.name);
          outputs.set(stage.name, null);
          onSettled(stage.name);
          continue;
        }
        const running = runner
          .run(stage, params)
          .then((output) => {
            outputs.set(stage.name, output);
            stage.recorded?.(output, context);
            onSettled(stage.name);
          })
          .catch(fail)
          .finally(() => inFlight.delete(running));
        inFlight.add(running);
      } catch (error) {
        fail(error);
      }
    }
  };

  startReady();
  while (inFlight.size > 0) {
    await Promise.race(inFlight);
    if (!failure) startReady();
  }
  if (failure) throw failure.error;
  // Unreachable for a runnable list; a stage left waiting is a bug, never a hang.
  if (waiting.length > 0) throw new Error(`Stages ${waiting.map((stage) => `"${stage.name}"`).join(', ')} were never ready to run.`);
}

/** Each stage's share of 0–100: its declared weight, scaled so the pipeline's shares add up to 100. */
export function progressWeights(stages: readonly AnyStage[], options: DubJobOptions): Map<StageName, number> {
  // Jobs that transcribe or translate with a model spend much of their time there.
  const neural = Boolean((!options.subtitlesPath && options.transcription) || (!options.translationPath && options.translators));
  const raw = stages.map((stage) => [stage.name, stage.skipsJob?.(options) ? 0 : neural ? stage.weight.neural : stage.weight.plain] as const);
  const total = raw.reduce((sum, [, weight]) => sum + weight, 0) || 1;
  return new Map(raw.map(([name, weight]) => [name, (weight * 100) / total]));
}
