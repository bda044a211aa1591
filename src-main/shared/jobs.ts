// The job contract shared by the CLI, the local API and the renderer: states, stages and the
// DTOs that describe a job to anyone outside the core.
import type { RedubErrorData } from './errors.js';

/** SPEC §2: queued → running → done | failed | cancelled, with retry_wait between attempts. */
export const jobStates = ['queued', 'running', 'retry_wait', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof jobStates)[number];

export const terminalJobStates: readonly JobState[] = ['done', 'failed', 'cancelled'];

export function isTerminalJobState(state: JobState): boolean {
  return terminalJobStates.includes(state);
}

export const stageNames = ['probe', 'extract', 'vad', 'transcribe', 'translate', 'synthesize', 'fit', 'mix', 'export'] as const;
export type StageName = (typeof stageNames)[number];

export type StageState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

/** Share of a job's progress each stage carries; they add up to 100. */
export const stageWeights: Record<StageName, number> = {
  probe: 2,
  extract: 10,
  vad: 10,
  transcribe: 3,
  translate: 3,
  synthesize: 30,
  fit: 12,
  mix: 10,
  export: 20,
};

/**
 * The shares when Whisper transcribes and a model translates: those stages then take a large
 * part of the time (a Whisper pass is a fraction of real time on a CPU), so the ETA would
 * otherwise promise the end too early.
 */
export const neuralStageWeights: Record<StageName, number> = {
  probe: 2,
  extract: 6,
  vad: 6,
  transcribe: 30,
  translate: 10,
  synthesize: 20,
  fit: 8,
  mix: 6,
  export: 12,
};

export type ResourceClass = 'cpu' | 'gpu';

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

export interface JobOutputs {
  video?: string;
  subtitles?: string;
  dubStem?: string;
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
}

export interface CueRecord {
  index: number;
  startMs: number;
  endMs: number;
  sourceText: string;
  targetText: string;
  speedFactor: number | null;
  placedStartMs: number | null;
  placedEndMs: number | null;
  flag: CueFitFlag | null;
}

/** Why a cue needs the user's eye: it did not fit its slot even at the speed bound. */
export type CueFitFlag = 'overflow';

export interface LogLine {
  at: string;
  level: 'info' | 'warn' | 'error';
  stage: StageName | null;
  message: string;
}
