// The one contract the desktop renderer (typed IPC through the preload), the local HTTP API and
// any script speak: every request with its schema, every response and event shape. The same
// schemas validate at every boundary, so a bad message gets the same error everywhere.
import { z } from 'zod';
import { cueEditsRequestSchema, speakerVoicesRequestSchema, type CueEditsRequest, type CuesView, type SpeakerVoicesRequest } from './cues.js';
import { audioRefIdSchema, lipSyncFileSchema } from './lipsync.js';
import type { RedubErrorData } from './errors.js';
import { parseGlossaryText } from './glossary.js';
import { jobStates, type JobDetails, type JobState, type JobSummary, type LogLine } from './jobs.js';

const languageList = z.array(z.string().min(2).max(16)).min(1, 'Name at least one target language.');
const languageMap = z.record(z.string().min(2).max(16), z.string().min(1));

/** Where ONNX engines should run: 'auto' picks an available GPU provider, then the CPU (SPEC §1). */
export const executionPreferenceSchema = z.enum(['auto', 'cpu', 'cuda', 'directml', 'coreml']);
export type ExecutionPreference = z.infer<typeof executionPreferenceSchema>;

export const createJobsRequestSchema = z.object({
  /** A path on the machine that runs the core (uploads are saved first, then named here). */
  input: z.string().min(1),
  to: languageList,
  from: z.string().min(2).max(16).optional(),
  subtitles: z.string().min(1).optional(),
  translations: languageMap.optional(),
  /** The subtitle and translation files' encoding (utf-8, windows-1251, gb18030, …); detected when absent. */
  subtitlesEncoding: z.string().min(1).max(64).optional(),
  /** Whether the MP4's subtitle track shows by default; it does not unless asked. */
  subtitlesShown: z.boolean().optional(),
  /** By language (`es`), or by language and speaker (`es:SPEAKER_2`, `es:Alice`): `piper:<pack>`, `espeak:<voice>[+variant]`. */
  voices: z.record(z.string().min(2).max(100), z.string().min(1)).optional(),
  outDir: z.string().min(1).optional(),
  priority: z.number().int().min(-100).max(100).optional(),
  /** A Whisper pack id to transcribe with (default: the largest installed). */
  transcriber: z.string().min(1).max(200).optional(),
  /** A translation pack id (default: a Marian pair for the languages, else NLLB). */
  translator: z.string().min(1).max(200).optional(),
  /** Terms fixed in every machine translation. */
  glossary: z.array(z.object({ source: z.string().min(1).max(500), target: z.string().min(1).max(500) })).max(5000).optional(),
  /** The most a line may be sped up to fit its slot; the maxSpeed setting by default. */
  maxSpeed: z.number().min(1).max(4).optional(),
  /** Size and length limits of the input; the settings' by default. */
  maxInputMb: z.number().positive().max(1_000_000).optional(),
  maxDurationMinutes: z.number().positive().max(24 * 60).optional(),
  /** Where the ONNX engines run; the executionProvider setting by default. */
  executionProvider: executionPreferenceSchema.optional(),
  /** Lip-sync segments (SPEC §3), checked against the video and the audio before anything is queued. */
  lipsync: lipSyncFileSchema.optional(),
  /** Audio files added to the job, by refId (a path on the machine that runs the core); segments name them in audio.refId. */
  audio: z.record(audioRefIdSchema, z.string().min(1)).optional(),
  /** 'off' keeps the original under the dub, ducked; by default the voices are split from the background when a separation pack is installed. */
  separation: z.enum(['auto', 'off']).optional(),
  /** How many speakers the video has ('auto' by default: as many as the speaker packs find; 1: one voice for every line). */
  speakers: z.union([z.literal('auto'), z.number().int().min(1).max(20)]).optional(),
  /** Also write the vocals, background and dub voice as WAV beside the video (needs a separation pack). */
  stems: z.boolean().optional(),
});
export type CreateJobsRequest = z.infer<typeof createJobsRequestSchema>;

/**
 * A job's media: the video it was made from, its dubbed video, or the dub's mixed audio as the
 * last render left it (there before the export is, so an edited line can be heard at once).
 */
export type MediaTrack = 'original' | 'dub' | 'mix';

/** Where the local API serves a job's media: the preview URLs a service hands out by default. */
export function apiMediaPath(jobId: string, track: MediaTrack): string {
  return `/api/v1/jobs/${encodeURIComponent(jobId)}/media/${track}`;
}

export const jobIdSchema = z.string().uuid('A job id is a UUID, as the job list shows it.');

/** PUT /jobs/{id}/lipsync: the job's segments, all of them, replacing what it had. */
export const lipSyncRequestSchema = lipSyncFileSchema;
export type LipSyncRequest = z.infer<typeof lipSyncRequestSchema>;

/** Where the local API serves an audio file added to a job (the timeline draws its waveform from it). */
export function apiAudioPath(jobId: string, refId: string): string {
  return `/api/v1/jobs/${encodeURIComponent(jobId)}/audio/${encodeURIComponent(refId)}`;
}

/** What a preview URL names: one of a job's tracks, or an audio file added to it (by its refId). */
export type MediaItem = MediaTrack | { audio: string };

/** Where the local API serves a track or an added audio file: the URLs a service hands out by default. */
export function apiMediaItemPath(jobId: string, item: MediaItem): string {
  return typeof item === 'string' ? apiMediaPath(jobId, item) : apiAudioPath(jobId, item.audio);
}

export const listJobsQuerySchema = z.object({
  states: z.array(z.enum(jobStates)).optional(),
  search: z.string().max(500).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
});
export type ListJobsQuery = z.input<typeof listJobsQuerySchema>;

export const logsQuerySchema = z.object({ afterId: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(5000).default(1000) });
export type LogsQuery = z.input<typeof logsQuerySchema>;

/** The stretch of time the stats cover, ending now: a minute at least, a year at most. */
export const statsQuerySchema = z.object({ windowHours: z.number().min(1 / 60).max(24 * 365).default(24) });
export type StatsQuery = z.input<typeof statsQuerySchema>;

/** Nearest-rank median and 95th percentile; null while there is nothing to rank. */
export interface DurationFigures {
  count: number;
  medianMs: number | null;
  p95Ms: number | null;
}

/** How the work went over a window: jobs that finished in it and the stages those jobs ran. */
export interface Stats {
  windowHours: number;
  from: string;
  to: string;
  jobs: {
    /** Every job there is now, by state, whenever it finished. */
    byState: Record<JobState, number>;
    finished: number;
    done: number;
    failed: number;
    cancelled: number;
    /** Shares of the finished jobs (0…1); null when none finished in the window. */
    successRate: number | null;
    failureRate: number | null;
  };
  durations: {
    /** Done jobs, from their first start to their end. */
    job: DurationFigures;
    /** Stages that really ran (a reused cache result is not timed), in pipeline order. */
    stages: Record<string, DurationFigures>;
  };
  /** Minutes of input video dubbed (done jobs) per hour of the window. */
  mediaMinutesPerHour: number;
  /** Of the stages that produced a result, how many reused an earlier run's; hitRate null when none did. */
  cache: { stageRuns: number; reused: number; hitRate: number | null };
}


export const settingsSchema = z.object({
  cpuWorkers: z.number().int().min(1).max(64),
  executionProvider: executionPreferenceSchema,
  maxSpeed: z.number().min(1).max(2),
  maxInputMb: z.number().min(1).max(1_000_000),
  maxDurationMinutes: z.number().min(1).max(24 * 60),
  theme: z.enum(['system', 'dark', 'light']),
  /** The most the artifact cache may hold (GB); least recently used artifacts go first. */
  artifactBudgetGb: z.number().min(0.1).max(100_000),
  /** Artifacts unused for longer than this go, whatever the budget. */
  artifactMaxAgeDays: z.number().min(1).max(3650),
  /** The most lip-sync segments a job may have, wherever they are made (CLI, API, the timeline). */
  maxLipSyncSegments: z.number().int().min(1).max(100),
  /** Terms fixed in every machine translation of new jobs, in the glossary's text form. */
  glossary: z
    .string()
    .max(200_000, 'The glossary is longer than 200,000 characters.')
    .superRefine((text, context) => {
      for (const problem of parseGlossaryText(text).problems) context.addIssue({ code: 'custom', message: problem });
    }),
});
export type Settings = z.infer<typeof settingsSchema>;
export const settingsPatchSchema = settingsSchema.partial();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const queuePauseSchema = z.object({ paused: z.boolean() });

export interface QueueStatus {
  paused: boolean;
  counts: Record<JobState, number>;
  /** Jobs waiting to run: queued plus retry_wait. */
  depth: number;
}

export interface PreviewSources {
  /** URLs the renderer can put in <video src>, with range support (seeking works on large files). */
  original: string;
  dub: string | null;
  /** The dub's mixed audio (WAV), once a render has made it; it changes with every render. */
  mix: string | null;
  /** Each audio file added to the job, by refId: what the lip-sync lane plays and draws. */
  audio: Record<string, string>;
}

export const waveformQuerySchema = z.object({
  track: z.enum(['original', 'dub', 'background']),
  startMs: z.number().int().min(0),
  endMs: z.number().int().min(1),
  /** How many min/max pairs: the width the range is drawn at. */
  pixels: z.number().int().min(1).max(16_384),
}).refine((query) => query.endMs > query.startMs, { message: 'endMs must be after startMs', path: ['endMs'] });
export type WaveformQuery = z.infer<typeof waveformQuerySchema>;

export interface WaveformView extends WaveformQuery {
  /** `pixels` pairs of min and max, each −128…127. */
  peaks: number[];
}

export interface LogEntry extends LogLine {
  id: number;
}

export const packIdSchema = z.string().regex(/^[a-z0-9._-]{1,100}$/, 'A model pack id is lower-case letters, digits, dots, dashes and underscores, as `redub models list` shows it.');

/** POST /models/{id}/import: the folder or archive to import, a path on the machine that runs the core; the service checks it further. */
export const importModelRequestSchema = z.object({ source: z.string() });

/** What a model pack does: the engine kinds a pack can hold (separation comes with its engine). */
export const packKinds = ['asr', 'mt', 'tts', 'vad', 'lipsync', 'separation', 'diarization'] as const;
export type PackKind = (typeof packKinds)[number];

/** A model pack from the catalog, and whether this machine has it. */
export interface ModelPackInfo {
  id: string;
  kind: PackKind;
  name: string;
  engine: string;
  languages: string[];
  license: string;
  sourceUrl: string;
  minMemoryMb: number;
  /** The sum of the published file sizes; null when the publisher states none. */
  sizeBytes: number | null;
  installed: boolean;
  installedAt: string | null;
  notes: string | null;
}

/** An install running in the background (imports and verifies answer at once). */
export interface ModelTask {
  packId: string;
  state: 'running' | 'done' | 'failed';
  bytesDone: number;
  /** Null while the total is not known (files without a published size). */
  bytesTotal: number | null;
  file: string | null;
  error: RedubErrorData | null;
}

export interface ModelVerification {
  id: string;
  ok: boolean;
  problems: string[];
}

export type RedubEvent =
  | { type: 'job.updated'; job: JobSummary }
  | { type: 'job.removed'; id: string }
  | { type: 'job.log'; jobId: string; entry: LogEntry }
  /** A batch of cue edits was stored: another window showing the job learns of it. */
  | { type: 'job.cues'; jobId: string; revision: number }
  | { type: 'queue.updated'; queue: QueueStatus }
  | { type: 'model.updated'; task: ModelTask; pack: ModelPackInfo | null }
  /** A pack was removed; `pack` is its catalog entry, now not installed (null when not in the catalog). */
  | { type: 'model.removed'; id: string; pack: ModelPackInfo | null }
  /** Sent by the local API's event streams, never by the service: the events a reconnecting
   * client asked for (Last-Event-ID) are gone (the server restarted, or too many happened since),
   * so it must fetch the lists again rather than trust what it holds. */
  | { type: 'resync'; reason: string };

/** What every transport offers the renderer; the IPC bridge and the HTTP bridge both implement it. */
export interface RedubApi {
  createJobs(request: CreateJobsRequest): Promise<{ jobs: JobSummary[] }>;
  listJobs(query?: ListJobsQuery): Promise<{ total: number; jobs: JobSummary[] }>;
  getJob(id: string): Promise<JobDetails>;
  getLogs(id: string, query?: LogsQuery): Promise<{ logs: LogEntry[] }>;
  cancelJob(id: string): Promise<JobSummary>;
  retryJob(id: string): Promise<JobSummary>;
  deleteJob(id: string): Promise<{ id: string; deleted: true }>;
  queueStatus(): Promise<QueueStatus>;
  setQueuePaused(paused: boolean): Promise<QueueStatus>;
  getSettings(): Promise<Settings>;
  updateSettings(patch: SettingsPatch): Promise<Settings>;
  previewSources(id: string): Promise<PreviewSources>;
  /** The job's cues with a person's edits on top: what the timeline shows. */
  getCues(id: string): Promise<CuesView>;
  /** Applies edits all or none against the revision they were made on (E_CUES_CHANGED when it is not the current one). */
  editCues(id: string, request: CueEditsRequest): Promise<CuesView>;
  /** Runs the job again: only changed cues are synthesized, the mix is patched, the video re-muxed. */
  renderJob(id: string): Promise<JobSummary>;
  /** Replaces the voices picked per speaker (a speaker left out takes its default again) and queues the job again: only those speakers' cues are spoken again. */
  replaceSpeakerVoices(id: string, request: SpeakerVoicesRequest): Promise<JobDetails>;
  /** Replaces the job's lip-sync segments, all of them ([] removes them), checked as at creation
   * (E_LIPSYNC_INVALID with `violations`), and queues the job again. */
  replaceLipSync(id: string, request: LipSyncRequest): Promise<JobDetails>;
  getWaveform(id: string, query: WaveformQuery): Promise<WaveformView>;
  listModels(): Promise<{ packs: ModelPackInfo[]; tasks: ModelTask[] }>;
  /** Starts downloading a pack; progress and the outcome arrive as model.updated events. */
  installModel(id: string): Promise<ModelTask>;
  /** Installs a pack from a folder or .tar/.tar.gz on the machine that runs the core. */
  importModel(id: string, source: string): Promise<ModelPackInfo>;
  verifyModel(id: string): Promise<ModelVerification>;
  removeModel(id: string): Promise<{ id: string; removed: boolean }>;
  /** Figures over the last windowHours (24 by default): outcomes, durations, throughput, cache hits. */
  getStats(query?: StatsQuery): Promise<Stats>;
  /** Subscribes to job and queue events; returns the unsubscribe function. */
  onEvent(listener: (event: RedubEvent) => void): () => void;
}

/** The request-reply part of the API by method name, with the schema of each argument. */
export const apiArgumentSchemas = {
  createJobs: z.tuple([createJobsRequestSchema]),
  listJobs: z.tuple([listJobsQuerySchema.optional()]),
  getJob: z.tuple([jobIdSchema]),
  getLogs: z.tuple([jobIdSchema, logsQuerySchema.optional()]),
  cancelJob: z.tuple([jobIdSchema]),
  retryJob: z.tuple([jobIdSchema]),
  deleteJob: z.tuple([jobIdSchema]),
  queueStatus: z.tuple([]),
  setQueuePaused: z.tuple([z.boolean()]),
  getSettings: z.tuple([]),
  updateSettings: z.tuple([settingsPatchSchema]),
  previewSources: z.tuple([jobIdSchema]),
  getCues: z.tuple([jobIdSchema]),
  editCues: z.tuple([jobIdSchema, cueEditsRequestSchema]),
  replaceSpeakerVoices: z.tuple([jobIdSchema, speakerVoicesRequestSchema]),
  renderJob: z.tuple([jobIdSchema]),
  replaceLipSync: z.tuple([jobIdSchema, lipSyncRequestSchema]),
  getWaveform: z.tuple([jobIdSchema, waveformQuerySchema]),
  listModels: z.tuple([]),
  installModel: z.tuple([packIdSchema]),
  importModel: z.tuple([packIdSchema, z.string().min(1, 'Name the folder or archive to import from.')]),
  verifyModel: z.tuple([packIdSchema]),
  removeModel: z.tuple([packIdSchema]),
  getStats: z.tuple([statsQuerySchema.optional()]),
} as const satisfies Record<Exclude<keyof RedubApi, 'onEvent'>, z.ZodType>;

export type ApiMethod = keyof typeof apiArgumentSchemas;

/** A reply as it crosses IPC: a value, or an error as plain data (never a thrown stack). */
export type ApiReply<T> = { ok: true; value: T } | { ok: false; error: RedubErrorData };

/** Turns a schema failure into the sentence a person reads, naming the field. */
export function describeSchemaError(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'request'}: ${issueMessage(issue)}`);
}

/** A record key's own failure (an audio refId) says why, not only "Invalid key in record". */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key' && issue.issues.length > 0) return issue.issues.map((inner) => inner.message).join('; ');
  return issue.message;
}
