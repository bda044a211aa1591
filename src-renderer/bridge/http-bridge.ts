// RedubApi over the local HTTP API, for the renderer served by `redub serve` in a plain browser:
// JSON requests with a bearer token, events over Server-Sent Events, and one extra method to
// upload dropped files, since a browser page cannot name a path on disk.
import type { CueEditsRequest, CuesView } from '../../src-main/shared/cues.js';
import type {
  CreateJobsRequest,
  ListJobsQuery,
  LogEntry,
  LogsQuery,
  ModelPackInfo,
  ModelTask,
  ModelVerification,
  PreviewSources,
  QueueStatus,
  RedubApi,
  Settings,
  SettingsPatch,
  WaveformQuery,
  WaveformView,
} from '../../src-main/shared/contract.js';
import type { JobDetails, JobSummary } from '../../src-main/shared/jobs.js';
import { createEventStream, type ConnectionListener, type EventSourceFactory } from './event-stream.js';
import { apiUrl, buildQuery, sendRequest, type FetchFunction, type HttpClient } from './http-request.js';
import { withToken } from './token.js';

/** Files and languages for one upload: POST /jobs as multipart. */
export interface JobUpload {
  video: File;
  to: string[];
  from?: string;
  subtitles?: File;
  /** Translated subtitles by target language. */
  translations?: Record<string, File>;
  subtitlesEncoding?: string;
  subtitlesShown?: boolean;
}

export interface HttpBridge extends RedubApi {
  uploadJobs(upload: JobUpload): Promise<{ jobs: JobSummary[] }>;
  onConnection(listener: ConnectionListener): () => void;
}

export interface HttpBridgeOptions {
  origin?: string;
  token: string | null;
  fetch?: FetchFunction;
  createEventSource?: EventSourceFactory;
}

const jobPath = (id: string) => `/jobs/${encodeURIComponent(id)}`;
const modelPath = (id: string) => `/models/${encodeURIComponent(id)}`;

/** The multipart body of an upload: `video`, `to`, optional `from`, `subtitlesEncoding`,
 * `subtitlesShown`, `subtitles`, `translation.<lang>`. */
export function buildUploadForm(upload: JobUpload): FormData {
  const form = new FormData();
  form.append('to', upload.to.join(','));
  if (upload.from) form.append('from', upload.from);
  if (upload.subtitlesEncoding) form.append('subtitlesEncoding', upload.subtitlesEncoding);
  if (upload.subtitlesShown !== undefined) form.append('subtitlesShown', String(upload.subtitlesShown));
  if (upload.subtitles) form.append('subtitles', upload.subtitles, upload.subtitles.name);
  for (const [language, file] of Object.entries(upload.translations ?? {})) form.append(`translation.${language}`, file, file.name);
  // The video goes last so a streaming parser has every small field before the large file.
  form.append('video', upload.video, upload.video.name);
  return form;
}

export function createHttpBridge(options: HttpBridgeOptions): HttpBridge {
  const client: HttpClient = {
    origin: options.origin ?? '',
    token: options.token,
    // Looked up per call, not captured, so a page (or a test) that replaces fetch is honoured.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  };
  const events = createEventStream({
    url: () => apiUrl(client, `/events${buildQuery({ token: client.token })}`),
    create: options.createEventSource ?? ((url) => new EventSource(url)),
  });

  return {
    createJobs: (request: CreateJobsRequest) => sendRequest(client, '/jobs', { method: 'POST', json: request }),
    uploadJobs: (upload: JobUpload) => sendRequest(client, '/jobs', { method: 'POST', form: buildUploadForm(upload) }),
    listJobs: (query: ListJobsQuery = {}) =>
      sendRequest(client, `/jobs${buildQuery({ state: query.states?.join(','), search: query.search, limit: query.limit, offset: query.offset })}`),
    getJob: (id: string) => sendRequest<JobDetails>(client, jobPath(id)),
    getLogs: (id: string, query: LogsQuery = {}) =>
      sendRequest<{ logs: LogEntry[] }>(client, `${jobPath(id)}/logs${buildQuery({ afterId: query.afterId, limit: query.limit })}`),
    cancelJob: (id: string) => sendRequest<JobSummary>(client, jobPath(id), { method: 'DELETE' }),
    retryJob: (id: string) => sendRequest<JobSummary>(client, `${jobPath(id)}/retry`, { method: 'POST' }),
    // There is no separate "delete forever" route: the same resource with purge=1 removes the job.
    deleteJob: (id: string) => sendRequest<{ id: string; deleted: true }>(client, `${jobPath(id)}?purge=1`, { method: 'DELETE' }),
    queueStatus: () => sendRequest<QueueStatus>(client, '/queue'),
    setQueuePaused: (paused: boolean) => sendRequest<QueueStatus>(client, '/queue', { method: 'PUT', json: { paused } }),
    getSettings: () => sendRequest<Settings>(client, '/settings'),
    updateSettings: (patch: SettingsPatch) => sendRequest<Settings>(client, '/settings', { method: 'PATCH', json: patch }),
    async previewSources(id: string): Promise<PreviewSources> {
      const sources = await sendRequest<PreviewSources>(client, `${jobPath(id)}/preview`);
      // <video> cannot send an Authorization header; the API also accepts the token in the query.
      const media = (url: string) => withToken(url.startsWith('/') ? `${client.origin}${url}` : url, client.token);
      return { original: media(sources.original), dub: sources.dub === null ? null : media(sources.dub), mix: sources.mix === null ? null : media(sources.mix) };
    },
    getCues: (id: string) => sendRequest<CuesView>(client, `${jobPath(id)}/cues`),
    editCues: (id: string, request: CueEditsRequest) => sendRequest<CuesView>(client, `${jobPath(id)}/cues`, { method: 'PATCH', json: request }),
    // 202: the job runs again in the core; its progress arrives as job.updated events.
    renderJob: (id: string) => sendRequest<JobSummary>(client, `${jobPath(id)}/render`, { method: 'POST' }),
    getWaveform: (id: string, query: WaveformQuery) =>
      sendRequest<WaveformView>(client, `${jobPath(id)}/waveform${buildQuery({ track: query.track, start: query.startMs, end: query.endMs, pixels: query.pixels })}`),
    listModels: () => sendRequest<{ packs: ModelPackInfo[]; tasks: ModelTask[] }>(client, '/models'),
    // 202: the install goes on in the core; its progress arrives as model.updated events.
    installModel: (id: string) => sendRequest<ModelTask>(client, `${modelPath(id)}/install`, { method: 'POST' }),
    importModel: (id: string, source: string) => sendRequest<ModelPackInfo>(client, `${modelPath(id)}/import`, { method: 'POST', json: { source } }),
    verifyModel: (id: string) => sendRequest<ModelVerification>(client, `${modelPath(id)}/verify`, { method: 'POST' }),
    removeModel: (id: string) => sendRequest<{ id: string; removed: boolean }>(client, modelPath(id), { method: 'DELETE' }),
    onEvent: (listener) => events.subscribe(listener),
    onConnection: (listener) => events.onConnection(listener),
  };
}
