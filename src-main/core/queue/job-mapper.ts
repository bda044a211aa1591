// Owns turning stored job rows into the DTOs the CLI, the API and the renderer see.
import type { CueRecord, JobDetails, JobSummary, StageRecord } from '../../shared/jobs.js';
import { defaultMaxLipSyncSegments, type LipSyncPlan } from '../../shared/lipsync.js';
import type { JobRow } from './job-row.js';

export function toSummary(row: JobRow): JobSummary {
  return {
    id: row.id,
    input: row.inputPath,
    language: row.language,
    sourceLanguage: row.sourceLanguage,
    state: row.state,
    priority: row.priority,
    progress: row.progress,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    createdAt: isoDate(row.createdMs),
    updatedAt: isoDate(row.updatedMs),
    startedAt: row.startedMs === null ? null : isoDate(row.startedMs),
    finishedAt: row.finishedMs === null ? null : isoDate(row.finishedMs),
    etaMs: row.etaMs,
    error: row.error,
    outputs: row.outputs,
  };
}

/** `cuesSynthesized` is the pipeline's to know (it reads the artifact cache); 0 here. Without a
 * lip-sync plan the job has none: no segments, no added audio, the default limit. */
export function toDetails(row: JobRow, related: { stages: StageRecord[]; cues: CueRecord[]; warnings?: string[]; lipsync?: LipSyncPlan }): JobDetails {
  const lipsync = related.lipsync ?? { segments: [], audio: [], maxSegments: defaultMaxLipSyncSegments };
  return { ...toSummary(row), stages: related.stages, cues: related.cues, cuesSynthesized: 0, warnings: related.warnings ?? [], lipsync };
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}
