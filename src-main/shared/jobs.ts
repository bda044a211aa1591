// The job contract shared by the CLI, the local API and the renderer: states, stages and the
// DTOs that describe a job to anyone outside the core.
import type { RedubErrorData } from './errors.js';
import type { LipSyncPlan } from './lipsync.js';

/** SPEC §2: queued → running → done | failed | cancelled, with retry_wait between attempts. */
export const jobStates = ['queued', 'running', 'retry_wait', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof jobStates)[number];

export const terminalJobStates: readonly JobState[] = ['done', 'failed', 'cancelled'];

export function isTerminalJobState(state: JobState): boolean {
  return terminalJobStates.includes(state);
}

/**
 * A pipeline stage's name (probe, extract, vad, …). The stages themselves are declared in the core
 * (core/pipeline/stages); a job's details list them in pipeline order.
 */
export type StageName = string;

export type StageState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

/**
 * The worker pool a stage runs in: 'model' for a stage that loads a neural model (one worker by
 * default, whatever device the model runs on), 'cpu' for everything else (cores − 1 workers).
 */
export type ResourceClass = 'cpu' | 'model';

export interface StageRecord {
  name: StageName;
  state: StageState;
  progress: number;
  reused: boolean;
  ms: number | null;
  attempts: number;
  executionProvider: string | null;
  error: RedubErrorData | null;
}

/** A job's deliverables, in the order they are written and listed. */
export const jobOutputKinds = ['video', 'subtitles', 'webVtt', 'ass', 'dubStem', 'vocalsStem', 'backgroundStem'] as const;

export interface JobOutputs {
  video?: string;
  /** The dubbed subtitles as SRT, and the same cues as WebVTT. */
  subtitles?: string;
  webVtt?: string;
  /** As ASS with the styles of the ASS file the user gave, when there was one. */
  ass?: string;
  /** The dub's voice alone, as WAV. */
  dubStem?: string;
  /** With --stems: the original's voices and its background (music, effects), as separated, as WAV. */
  vocalsStem?: string;
  backgroundStem?: string;
}

export interface JobSummary {
  id: string;
  input: string;
  language: string;
  sourceLanguage: string | null;
  state: JobState;
  priority: number;
  progress: number;
  attempts: number;
  maxAttempts: number;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  etaMs: number | null;
  error: RedubErrorData | null;
  outputs: JobOutputs;
}

export interface JobDetails extends JobSummary {
  stages: StageRecord[];
  cuesSynthesized: number;
  cues: CueRecord[];
  /** The job log's warnings, each once (the subtitle lines skipped, a glossary term lost, …). */
  warnings: string[];
  /** The job's lip-sync segments, the audio files added for them and the segment limit. */
  lipsync: LipSyncPlan;
}

export interface CueRecord {
  index: number;
  /** Which cue it is across edits (see shared/cues.ts); absent on cues rendered before edits existed. */
  id?: string;
  startMs: number;
  endMs: number;
  sourceText: string;
  targetText: string;
  speedFactor: number | null;
  placedStartMs: number | null;
  placedEndMs: number | null;
  flag: CueFitFlag | null;
  /** Who says it (an ASS actor, a speaker found in the audio, or one a person set); null: nobody named. */
  speaker?: string | null;
}

/** Why a cue needs the user's eye: it did not fit its slot even at the speed bound. */
export type CueFitFlag = 'overflow';

export interface LogLine {
  at: string;
  level: 'info' | 'warn' | 'error';
  stage: StageName | null;
  message: string;
}
