// The probe stage: what the input holds (streams, duration, fps, size), and a refusal, with its
// own error code, of anything that cannot be dubbed.
import { probeMedia, type MediaInfo } from '../../media/probe.js';
import type { ArtifactCache } from '../artifact-cache.js';
import type { DubJobOptions } from '../dub-options.js';

/** Where the host records the artifacts it keeps (the store's artifact table). */
export interface ArtifactRecords {
  record(artifact: { key: string; stage: string; path: string; bytes: number }): void;
}
import { stageKey } from '../stage-key.js';
import { cpuPlacement, declareStage, type PlanContext } from '../stage.js';
import { downloadStage, inputFingerprintOf } from './download.js';

export interface ProbeParams {
  inputPath: string;
  inputFingerprint: string;
  limits: { maxBytes?: number; maxDurationMs?: number };
}

export const inputPathIsNeutral = 'The fingerprint (size, time, first and last MiB) stands for the file: the same video moved or renamed reuses its artifacts.';

export const probeStage = declareStage<ProbeParams, MediaInfo>({
  name: 'probe',
  version: 1,
  weight: { plain: 2, neural: 2 },
  consumes: [downloadStage],
  plan: (context) => ({ inputPath: context.options.inputPath, inputFingerprint: inputFingerprintOf(context), limits: context.options.limits }),
  outputNeutral: { inputPath: inputPathIsNeutral },
  placement: () => cpuPlacement,
  run: (params) => probeMedia(params.inputPath, params.limits),
  // The bounds of every cue edit and the frames timeline edges snap to.
  recorded: ({ result }, context) => context.recordMedia({ durationMs: result.durationMs, fps: result.video.fps }),
});

/**
 * Keeps a probe the host made before queueing (to refuse what cannot be dubbed) as the job's probe
 * artifact, under the key the stage's own plan gives, so the job's first stage is a cache hit and
 * ffprobe does not run twice. Only a probe of the very path the job reads (no link resolved since)
 * is the stage's result; anything that keeps it from being stored just leaves the stage to probe.
 */
export function keepProbe(cache: ArtifactCache, artifacts: ArtifactRecords, options: DubJobOptions, media: MediaInfo): void {
  if (options.inputUrl || media.path !== options.inputPath) return;
  const params = probeStage.plan({ options, output: () => null } as unknown as PlanContext);
  if (!params) return;
  const key = stageKey(probeStage, params, cache.root);
  if (cache.has(key)) return;
  let temporary: string | null = null;
  try {
    temporary = cache.createTemporary(key);
    const committed = cache.commit(key, temporary, media);
    temporary = null;
    // Recorded as the stage runner records its own, so pruning and disk use count it.
    artifacts.record({ key, stage: probeStage.name, path: committed.directory, bytes: committed.bytes });
  } catch {
    if (temporary) cache.discard(temporary);
  }
}
