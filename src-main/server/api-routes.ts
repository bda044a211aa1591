// Owns the endpoints under /api/v1: which path and method reach which RedubService call, how a
// request's query and body become that call's arguments, and how its answer is sent. Arguments
// are checked by the service against the shared contract, so HTTP and IPC refuse the same things.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { cueEditsRequestSchema } from '../shared/cues.js';
import { apiMediaItemPath, createJobsRequestSchema, describeSchemaError, lipSyncRequestSchema, type WaveformQuery, queuePauseSchema, settingsPatchSchema, importModelRequestSchema, type ListJobsQuery, type LogsQuery, type MediaItem } from '../shared/contract.js';
import { speakerVoicesRequestSchema } from '../shared/cues.js';
import { RedubError } from '../shared/errors.js';
import type { MediaTrack, RedubService } from '../core/service/redub-service.js';
import { badRequest, readJsonBody, sendJson } from './http-io.js';
import { contentTypeFor } from '../core/media/content-types.js';
import { sendFile } from './media-response.js';
import type { ServerMetrics } from './metrics.js';
import { receiveUpload, removeUploadFolder } from './multipart-upload.js';
import type { EventJournal } from './event-journal.js';
import { openEventStream, resumeId } from './sse.js';
import { openApiDocument } from './openapi.js';

export const apiPrefix = '/api/v1';

/** Where the API serves a job's tracks and added audio: what RedubService hands out as preview URLs. */
export function mediaUrlFor(jobId: string, item: MediaItem): string {
  return apiMediaItemPath(jobId, item);
}

export interface ApiContext {
  service: RedubService;
  metrics: ServerMetrics;
  version: string;
  uploadLimitBytes(): Promise<number>;
  /** Ends an open event stream; the server ends them all when it closes. */
  streams: Set<() => void>;
  /** Every service event with its id, and the recent ones for clients that resume. */
  journal: EventJournal;
}

export interface ApiCall {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  context: ApiContext;
}

type Handler = (call: ApiCall) => Promise<void>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  /** Path segments after /api/v1; ":name" captures one segment. */
  pattern: string[];
  handlers: Partial<Record<Method, Handler>>;
  /** GET may carry ?token= instead of the header: a <video src> or EventSource sends no headers. */
  queryToken?: boolean;
  /** Answers without a token (the health check). */
  open?: boolean;
}

const json = (status: number, produce: (call: ApiCall) => Promise<unknown>): Handler => async (call) => sendJson(call.res, status, await produce(call));

export const routes: Route[] = [
  { pattern: ['health'], open: true, handlers: { GET: sendHealth } },
  // No token: the description of the API holds no secrets, and tools fetch it before they have one.
  { pattern: ['openapi.json'], open: true, handlers: { GET: json(200, async ({ context }) => openApiDocument(routes, context.version)) } },
  { pattern: ['metrics'], handlers: { GET: sendMetrics } },
  { pattern: ['jobs'], handlers: { GET: json(200, ({ query, context }) => context.service.listJobs(listQuery(query))), POST: createJobs } },
  {
    pattern: ['jobs', ':id'],
    handlers: {
      GET: json(200, ({ params, context }) => context.service.getJob(params.id!)),
      // DELETE cancels (the seeds' meaning); ?purge=1 (or true) removes the job and its records as well.
      DELETE: json(200, ({ params, query, context }) => (isYes(query.get('purge')) ? context.service.deleteJob(params.id!) : context.service.cancelJob(params.id!))),
    },
  },
  { pattern: ['jobs', ':id', 'cancel'], handlers: { POST: json(200, ({ params, context }) => context.service.cancelJob(params.id!)) } },
  { pattern: ['jobs', ':id', 'retry'], handlers: { POST: json(200, ({ params, context }) => context.service.retryJob(params.id!)) } },
  { pattern: ['jobs', ':id', 'logs'], handlers: { GET: json(200, ({ params, query, context }) => context.service.getLogs(params.id!, logsQuery(query))) } },
  { pattern: ['jobs', ':id', 'preview'], handlers: { GET: json(200, ({ params, context }) => context.service.previewSources(params.id!)) } },
  {
    pattern: ['jobs', ':id', 'cues'],
    handlers: {
      GET: json(200, ({ params, context }) => context.service.getCues(params.id!)),
      PATCH: json(200, async ({ req, params, context }) => context.service.editCues(params.id!, checkBody(cueEditsRequestSchema, await readJsonBody(req)))),
    },
  },
  // 202: the job runs again in the service; its progress arrives as job.updated events.
  { pattern: ['jobs', ':id', 'render'], handlers: { POST: json(202, ({ params, context }) => context.service.renderJob(params.id!)) } },
  // The segments, replaced all at once and checked as at creation (422 E_LIPSYNC_INVALID with
  // `violations`); the job is queued again, so lip-sync and the export re-run.
  { pattern: ['jobs', ':id', 'lipsync'], handlers: { PUT: json(200, async ({ req, params, context }) => context.service.replaceLipSync(params.id!, checkBody(lipSyncRequestSchema, await readJsonBody(req)))) } },
  { pattern: ['jobs', ':id', 'voices'], handlers: { PUT: json(200, async ({ req, params, context }) => context.service.replaceSpeakerVoices(params.id!, checkBody(speakerVoicesRequestSchema, await readJsonBody(req)))) } },
  // An added audio file, with range support: what the timeline draws its waveform from.
  { pattern: ['jobs', ':id', 'audio', ':refId'], queryToken: true, handlers: { GET: sendAudio } },
  { pattern: ['jobs', ':id', 'waveform'], handlers: { GET: json(200, ({ params, query, context }) => context.service.getWaveform(params.id!, waveformQuery(query))) } },
  { pattern: ['jobs', ':id', 'media', 'mix'], queryToken: true, handlers: { GET: (call) => sendMedia(call, 'mix', 'inline') } },
  { pattern: ['jobs', ':id', 'download'], queryToken: true, handlers: { GET: (call) => sendMedia(call, 'dub', 'attachment') } },
  { pattern: ['jobs', ':id', 'media', 'original'], queryToken: true, handlers: { GET: (call) => sendMedia(call, 'original', 'inline') } },
  { pattern: ['jobs', ':id', 'media', 'dub'], queryToken: true, handlers: { GET: (call) => sendMedia(call, 'dub', 'inline') } },
  {
    pattern: ['queue'],
    handlers: {
      GET: json(200, ({ context }) => context.service.queueStatus()),
      PUT: json(200, async ({ req, context }) => context.service.setQueuePaused(checkBody(queuePauseSchema, await readJsonBody(req)).paused)),
    },
  },
  {
    pattern: ['settings'],
    handlers: {
      GET: json(200, ({ context }) => context.service.getSettings()),
      PATCH: json(200, async ({ req, context }) => context.service.updateSettings(checkBody(settingsPatchSchema, await readJsonBody(req)))),
    },
  },
  { pattern: ['events'], queryToken: true, handlers: { GET: streamEvents } },
  { pattern: ['models'], handlers: { GET: json(200, ({ context }) => context.service.listModels()) } },
  { pattern: ['models', ':id'], handlers: { DELETE: json(200, ({ params, context }) => context.service.removeModel(params.id!)) } },
  // 202: the download goes on in the service; its progress and outcome arrive as model.updated events.
  { pattern: ['models', ':id', 'install'], handlers: { POST: json(202, ({ params, context }) => context.service.installModel(params.id!)) } },
  {
    pattern: ['models', ':id', 'import'],
    handlers: { POST: json(200, async ({ req, params, context }) => context.service.importModel(params.id!, checkBody(importModelRequestSchema, await readJsonBody(req)).source)) },
  },
  { pattern: ['models', ':id', 'verify'], handlers: { POST: json(200, ({ params, context }) => context.service.verifyModel(params.id!)) } },
  // ?windowHours=168; without it the last 24 hours. The service checks the number against the contract.
  { pattern: ['stats'], handlers: { GET: json(200, ({ query, context }) => context.service.getStats(numberParam(query, 'windowHours'))) } },
];

/** The route a path names, its captured segments, or null. Segments are decoded once here; a
 * segment that does not decode (a stray %) is the client's mistake. */
export function matchRoute(segments: string[]): { route: Route; params: Record<string, string> } | null {
  for (const route of routes) {
    if (route.pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = route.pattern.every((part, index) => {
      const segment = segments[index]!;
      if (part.startsWith(':')) {
        params[part.slice(1)] = decodeSegment(segment);
        return true;
      }
      return part === segment;
    });
    if (matches) return { route, params };
  }
  return null;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`"${segment.slice(0, 80)}" is not a valid URL path segment.`);
  }
}

async function createJobs(call: ApiCall): Promise<void> {
  const { req, context } = call;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'multipart/form-data') {
    const body = checkBody(createJobsRequestSchema, await readJsonBody(req));
    sendJson(call.res, 201, await context.service.createJobs(body));
    return;
  }
  const upload = await receiveUpload(req, { uploadsDir: context.service.uploadsDir, limitBytes: await context.uploadLimitBytes() });
  try {
    const { jobs } = await context.service.createJobs(upload.request);
    // Each uploaded audio file with the refId it got (from its part's name, or its file name), as the jobs store it.
    const audio = jobs[0] && upload.audioRefIds.length > 0 ? context.service.jobAudio(jobs[0].id) : [];
    sendJson(call.res, 201, { jobs, audio });
  } catch (error) {
    // No job came of the upload: nothing will ever read its files.
    removeUploadFolder(upload.folder);
    throw error;
  }
}

async function sendAudio(call: ApiCall): Promise<void> {
  const file = await call.context.service.openAudio(call.params.id!, call.params.refId!);
  // The file was probed as audio, but its name is whatever a person gave it: only a sound or
  // video type comes from it, never one a browser would run (a WAV named .html).
  const type = contentTypeFor(file.path);
  await sendFile(call.req, call.res, file, { disposition: 'inline', contentType: /^(audio|video)\//.test(type) ? type : 'application/octet-stream' });
}

async function sendMedia(call: ApiCall, track: MediaTrack, disposition: 'inline' | 'attachment'): Promise<void> {
  const file = await call.context.service.openMedia(call.params.id!, track);
  await sendFile(call.req, call.res, file, { disposition });
}

/** 200 while the server can do its work; 503, naming the storage problem, while it cannot. The
 * data folder's path stays out: this endpoint answers without a token. */
async function sendHealth({ res, context }: ApiCall): Promise<void> {
  const storage = context.service.storageHealth();
  const problem = storage.problem ? { code: storage.problem.code, message: storage.problem.message, action: storage.problem.action } : null;
  sendJson(res, storage.ok ? 200 : 503, { ok: storage.ok, version: context.version, storage: { ok: storage.ok, freeBytes: storage.freeBytes, problem } });
}

async function sendMetrics({ res, context }: ApiCall): Promise<void> {
  const text = await context.metrics.render();
  res.writeHead(200, { 'Content-Type': context.metrics.contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function streamEvents({ req, res, query, context }: ApiCall): Promise<void> {
  const end = openEventStream(req, res, context.journal, { lastEventId: resumeId(req, query) });
  context.streams.add(end);
  res.on('close', () => context.streams.delete(end));
}

/** ?state=queued,running&search=talk&limit=50&offset=0 as the contract's list query. */
function listQuery(query: URLSearchParams): ListJobsQuery {
  const states = query.get('state') ?? query.get('states');
  return {
    ...(states ? { states: states.split(',').map((state) => state.trim()).filter(Boolean) as ListJobsQuery['states'] } : {}),
    ...(query.has('search') ? { search: query.get('search')! } : {}),
    ...numberParam(query, 'limit'),
    ...numberParam(query, 'offset'),
  };
}

/** ?track=original&start=0&end=60000&pixels=1200; the service checks it against the contract. */
function waveformQuery(query: URLSearchParams): WaveformQuery {
  const number = (key: string) => (query.get(key) === null || query.get(key) === '' ? Number.NaN : Number(query.get(key)));
  return { track: (query.get('track') ?? 'original') as WaveformQuery['track'], startMs: number('start'), endMs: number('end'), pixels: number('pixels') };
}

function logsQuery(query: URLSearchParams): LogsQuery {
  return { ...numberParam(query, 'afterId'), ...numberParam(query, 'limit') };
}

function isYes(value: string | null): boolean {
  return value === '1' || value === 'true';
}

/** A number from the query; text that is not one is passed on as NaN for the schema to name. */
function numberParam<Key extends string>(query: URLSearchParams, key: Key): Partial<Record<Key, number>> {
  const value = query.get(key);
  if (value === null || value === '') return {};
  return { [key]: Number(value) } as Record<Key, number>;
}

/** A body must be an object of the schema's fields only: a misspelt setting is refused, not
 * silently dropped. */
function checkBody<Schema extends z.ZodObject>(schema: Schema, body: unknown): z.output<Schema> {
  const result = schema.strict().safeParse(body);
  if (result.success) return result.data as z.output<Schema>;
  throw new RedubError('E_BAD_REQUEST', { details: describeSchemaError(result.error) });
}
