// A typed client of Redub's local HTTP API, for scripts under Node ≥ 20 and for the renderer in a
// browser alike: every endpoint the README lists, safe retries, per-request time limits, one error
// class, and an event subscription that survives dropped connections and server restarts.
import type { CueEditsRequest, CuesView, SpeakerVoicesRequest } from '../cues.js';
import type {
  LipSyncRequest,
  ListJobsQuery,
  LogEntry,
  LogsQuery,
  MediaTrack,
  ModelPackInfo,
  ModelTask,
  ModelVerification,
  PreviewSources,
  QueueStatus,
  RedubApi,
  RedubEvent,
  Settings,
  SettingsPatch,
  Stats,
  StatsQuery,
  WaveformQuery,
  WaveformView,
} from '../contract.js';
import type { JobDetails, JobSummary } from '../jobs.js';
import type { AudioRefSummary } from '../lipsync.js';
import { defaultBackoff, type BackoffPolicy } from './backoff.js';
import type { ClientEvent } from './event-message.js';
import { defaultHeartbeatTimeoutMs, subscribeEvents, type SubscribeOptions, type Subscription } from './event-subscription.js';
import { absoluteMediaUrl } from './media-url.js';
import { buildQuery, sendRequest, type FetchFunction, type RequestOptions, type Transport } from './request.js';
import { waitForJob, type WaitForJobOptions } from './wait-for-job.js';

export interface RedubClientOptions {
  /** Where `redub serve` listens, e.g. 'http://127.0.0.1:8383'; '' for the page's own origin. */
  baseUrl: string;
  /** The token from `<data-dir>/api-token`; null where the server asks for none (GET /health). */
  token: string | null;
  /** The global fetch by default (looked up per call, so a page or test that replaces it is honoured). */
  fetch?: FetchFunction;
  /** Each attempt's time limit (default 30 s); uploads have none unless `uploadTimeoutMs` says. */
  timeoutMs?: number;
  uploadTimeoutMs?: number;
  /** The most attempts a request gets, the first included (default 4). */
  retries?: number;
  /** Retry delays: full jitter over base·2ⁿ, capped (default 250 ms, 10 s, Math.random). */
  backoff?: Partial<BackoffPolicy>;
  /** Silence on the event stream after which it is taken for dead and reopened (default 45 s). */
  heartbeatTimeoutMs?: number;
}

/** Per call: a caller's signal, and a time limit other than the client's. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Files and languages for one upload: POST /jobs as multipart. */
export interface JobUpload {
  video: Blob & { name?: string };
  to: string[];
  from?: string;
  subtitles?: Blob & { name?: string };
  /** Translated subtitles by target language. */
  translations?: Record<string, Blob & { name?: string }>;
  subtitlesEncoding?: string;
  subtitlesShown?: boolean;
  /** Lip-sync segments, as a segments file holds them. */
  lipsync?: LipSyncRequest;
  /** Audio files for the segments by refId (each sent as the part audio.<refId>). */
  audio?: Record<string, Blob & { name?: string }>;
}

export interface HealthReport {
  ok: boolean;
  version: string;
  storage: { ok: boolean; freeBytes: number | null; problem: { code: string; message: string; action: string } | null };
}

/** Each request-reply method of the contract, taking CallOptions after its own arguments. */
type RequestMethods = { [Method in Exclude<keyof RedubApi, 'onEvent'>]: (...args: [...Parameters<RedubApi[Method]>, CallOptions?]) => ReturnType<RedubApi[Method]> };

export interface RedubClient extends RequestMethods {
  onEvent: RedubApi['onEvent'];
  /** The reply lists the uploaded audio files with their refIds. */
  uploadJobs(upload: JobUpload, call?: CallOptions): Promise<{ jobs: JobSummary[]; audio: AudioRefSummary[] }>;
  /** An audio file added to the job, as a URL a player or a waveform reader can fetch (range requests work). */
  audioUrl(id: string, refId: string): string;
  /** The dubbed video as a URL a browser or a download tool can fetch (range requests work). */
  downloadUrl(id: string): string;
  /** A job's media as a URL a <video> can play. */
  mediaUrl(id: string, track: MediaTrack): string;
  health(call?: CallOptions): Promise<HealthReport>;
  /** The Prometheus text of GET /metrics. */
  metrics(call?: CallOptions): Promise<string>;
  /** Every event, `resync` included, over one connection of its own. */
  subscribe(listener: (event: ClientEvent) => void, options?: SubscribeOptions): Subscription;
  /** The job's details once it is done; rejects with the job's error when it failed or was cancelled. */
  waitForJob(id: string, options?: WaitForJobOptions): Promise<JobDetails>;
}

const jobPath = (id: string) => `/jobs/${encodeURIComponent(id)}`;
const modelPath = (id: string) => `/models/${encodeURIComponent(id)}`;
const defaultTimeoutMs = 30_000;
const defaultAttempts = 4;

/** The multipart body of an upload: `to`, optional `from`, `subtitlesEncoding`, `subtitlesShown`,
 * `lipsync`, `subtitles`, `translation.<lang>`, `audio.<refId>`, then `video`. */
export function buildUploadForm(upload: JobUpload): FormData {
  const form = new FormData();
  form.append('to', upload.to.join(','));
  if (upload.from) form.append('from', upload.from);
  if (upload.subtitlesEncoding) form.append('subtitlesEncoding', upload.subtitlesEncoding);
  if (upload.subtitlesShown !== undefined) form.append('subtitlesShown', String(upload.subtitlesShown));
  if (upload.lipsync) form.append('lipsync', JSON.stringify(upload.lipsync));
  if (upload.subtitles) form.append('subtitles', upload.subtitles, upload.subtitles.name ?? 'subtitles.srt');
  for (const [language, file] of Object.entries(upload.translations ?? {})) form.append(`translation.${language}`, file, file.name ?? `translation.${language}.srt`);
  for (const [refId, file] of Object.entries(upload.audio ?? {})) form.append(`audio.${refId}`, file, file.name ?? refId);
  // The video goes last so a streaming parser has every small field before the large file.
  form.append('video', upload.video, upload.video.name ?? 'video.mp4');
  return form;
}

export function createRedubClient(options: RedubClientOptions): RedubClient {
  const transport: Transport = {
    baseUrl: options.baseUrl,
    token: options.token,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: options.timeoutMs ?? defaultTimeoutMs,
    attempts: options.retries ?? defaultAttempts,
    backoff: { ...defaultBackoff, ...options.backoff },
  };
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? defaultHeartbeatTimeoutMs;
  const send = <T>(path: string, request: RequestOptions = {}, call: CallOptions = {}) => sendRequest<T>(transport, path, { ...request, ...call });
  const subscribe = (listener: (event: ClientEvent) => void, subscribeOptions?: SubscribeOptions) => subscribeEvents(transport, { heartbeatTimeoutMs }, listener, subscribeOptions);
  const media = (url: string) => absoluteMediaUrl(transport.baseUrl, url, transport.token);

  const client: RedubClient = {
    createJobs: (request, call) => send('/jobs', { method: 'POST', json: request }, call),
    uploadJobs: (upload, call) => send('/jobs', { method: 'POST', form: buildUploadForm(upload), timeoutMs: options.uploadTimeoutMs ?? 0 }, call),
    listJobs: (query: ListJobsQuery = {}, call?: CallOptions) =>
      send(`/jobs${buildQuery({ state: query.states?.join(','), search: query.search, limit: query.limit, offset: query.offset })}`, {}, call),
    getJob: (id, call) => send<JobDetails>(jobPath(id), {}, call),
    getLogs: (id: string, query: LogsQuery = {}, call?: CallOptions) =>
      send<{ logs: LogEntry[] }>(`${jobPath(id)}/logs${buildQuery({ afterId: query.afterId, limit: query.limit })}`, {}, call),
    cancelJob: (id: string, call?: CallOptions) => send<JobSummary>(jobPath(id), { method: 'DELETE' }, call),
    retryJob: (id: string, call?: CallOptions) => send<JobSummary>(`${jobPath(id)}/retry`, { method: 'POST' }, call),
    // There is no separate "delete forever" route: the same resource with purge=1 removes the job.
    deleteJob: (id: string, call?: CallOptions) => send<{ id: string; deleted: true }>(`${jobPath(id)}?purge=1`, { method: 'DELETE' }, call),
    queueStatus: (call?: CallOptions) => send<QueueStatus>('/queue', {}, call),
    setQueuePaused: (paused: boolean, call?: CallOptions) => send<QueueStatus>('/queue', { method: 'PUT', json: { paused } }, call),
    getSettings: (call?: CallOptions) => send<Settings>('/settings', {}, call),
    updateSettings: (patch: SettingsPatch, call?: CallOptions) => send<Settings>('/settings', { method: 'PATCH', json: patch }, call),
    async previewSources(id: string, call?: CallOptions): Promise<PreviewSources> {
      const sources = await send<PreviewSources>(`${jobPath(id)}/preview`, {}, call);
      // A core from before lip-sync sends no `audio`: no added files, then.
      const audio = Object.fromEntries(Object.entries(sources.audio ?? {}).map(([refId, url]) => [refId, media(url)]));
      return { original: media(sources.original), dub: sources.dub === null ? null : media(sources.dub), mix: sources.mix === null ? null : media(sources.mix), audio };
    },
    getCues: (id: string, call?: CallOptions) => send<CuesView>(`${jobPath(id)}/cues`, {}, call),
    editCues: (id: string, request: CueEditsRequest, call?: CallOptions) => send<CuesView>(`${jobPath(id)}/cues`, { method: 'PATCH', json: request }, call),
    // 202: the job runs again; its progress arrives as job.updated events.
    renderJob: (id: string, call?: CallOptions) => send<JobSummary>(`${jobPath(id)}/render`, { method: 'POST' }, call),
    // PUT /jobs/{id}/lipsync; a broken rule is 422 E_LIPSYNC_INVALID with `violations`, never retried.
    replaceLipSync: (id: string, request: LipSyncRequest, call?: CallOptions) => send<JobDetails>(`${jobPath(id)}/lipsync`, { method: 'PUT', json: request }, call),
    replaceSpeakerVoices: (id: string, request: SpeakerVoicesRequest, call?: CallOptions) => send<JobDetails>(`${jobPath(id)}/voices`, { method: 'PUT', json: request }, call),
    audioUrl: (id, refId) => media(`/api/v1${jobPath(id)}/audio/${encodeURIComponent(refId)}`),
    getWaveform: (id: string, query: WaveformQuery, call?: CallOptions) =>
      send<WaveformView>(`${jobPath(id)}/waveform${buildQuery({ track: query.track, start: query.startMs, end: query.endMs, pixels: query.pixels })}`, {}, call),
    listModels: (call?: CallOptions) => send<{ packs: ModelPackInfo[]; tasks: ModelTask[] }>('/models', {}, call),
    // 202: the install goes on in the background; its progress arrives as model.updated events.
    installModel: (id: string, call?: CallOptions) => send<ModelTask>(`${modelPath(id)}/install`, { method: 'POST' }, call),
    importModel: (id: string, source: string, call?: CallOptions) => send<ModelPackInfo>(`${modelPath(id)}/import`, { method: 'POST', json: { source } }, call),
    verifyModel: (id: string, call?: CallOptions) => send<ModelVerification>(`${modelPath(id)}/verify`, { method: 'POST' }, call),
    removeModel: (id: string, call?: CallOptions) => send<{ id: string; removed: boolean }>(modelPath(id), { method: 'DELETE' }, call),
    downloadUrl: (id) => media(`/api/v1${jobPath(id)}/download`),
    mediaUrl: (id, track) => media(`/api/v1${jobPath(id)}/media/${track}`),
    // 503 is an answer here (the storage problem it names), not a failure to retry.
    health: (call) => send<HealthReport>('/health', { acceptStatuses: [503], attempts: 1 }, call),
    metrics: (call) => send<string>('/metrics', { text: true }, call),
    getStats: (query: StatsQuery = {}, call?: CallOptions) => send<Stats>(`/stats${buildQuery({ windowHours: query.windowHours })}`, {}, call),
    onEvent(listener: (event: RedubEvent) => void) {
      const subscription = subscribe(listener);
      return () => subscription.unsubscribe();
    },
    subscribe,
    waitForJob: (id, waitOptions) => waitForJob(client, id, waitOptions),
  };
  return client;
}
