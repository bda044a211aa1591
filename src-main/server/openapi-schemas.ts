// Owns the pieces the OpenAPI document is made of: JSON Schemas converted from the zod schemas
// that validate requests (so the document cannot drift from what the server accepts), the
// parameter, body and response builders, and the components every operation refers to. The
// response shapes are TypeScript interfaces, not zod schemas, so they are described here by
// hand, short, and name the interface they follow.
import { z } from 'zod';
import { errorDefinitions } from '../shared/errors.js';
import { jobStates } from '../shared/jobs.js';
import { jobIdSchema, packIdSchema, packKinds, settingsSchema } from '../shared/contract.js';
import { lipSyncRules, lipSyncSegmentSchema } from '../shared/lipsync.js';

export type JsonSchema = Record<string, unknown>;
export type OpenApiObject = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12, the dialect OpenAPI 3.1 uses; `$schema` is the document's
 * business, not each schema's. */
export function fromZod(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as JsonSchema;
  delete converted.$schema;
  return converted;
}

/** A request body as the handlers check it: an object of the schema's fields only (`strict`). */
export function jsonBody(schema: z.ZodObject, description?: string): OpenApiObject {
  return { required: true, ...(description ? { description } : {}), content: { 'application/json': strictJson(schema) } };
}

export function strictJson(schema: z.ZodObject): OpenApiObject {
  return { schema: fromZod(schema.strict()) };
}

export function queryParameter(name: string, schema: z.ZodType, description?: string, extra: OpenApiObject = {}): OpenApiObject {
  return { name, in: 'query', required: false, ...(description ? { description } : {}), schema: fromZod(schema), ...extra };
}

export function pathParameter(name: string, schema: z.ZodType, description: string): OpenApiObject {
  return { name, in: 'path', required: true, description, schema: fromZod(schema) };
}

export const jobIdParameter = pathParameter('id', jobIdSchema, 'The job id (a UUID, as the job list shows it).');
export const packIdParameter = pathParameter('id', packIdSchema, 'The model pack id, as `GET /models` lists it.');

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

export function jsonReply(description: string, schema: JsonSchema): OpenApiObject {
  return { description, content: { 'application/json': { schema } } };
}

/** The error replies by status; each operation names the ones it can give. */
const errorReplies: Record<number, string> = {
  400: 'The request is malformed or fails the schema (E_BAD_REQUEST, E_USAGE); `details` names each field.',
  401: 'No token, or a wrong one (E_UNAUTHORIZED).',
  403: 'Refused: a Host that is not loopback (E_FORBIDDEN_HOST) or a file outside its folder (E_FORBIDDEN_PATH).',
  404: 'No such job, cue, model pack or route (E_JOB_NOT_FOUND, E_MODEL_UNKNOWN, E_ROUTE_NOT_FOUND).',
  405: 'The path exists but not with this method (E_METHOD_NOT_ALLOWED); `Allow` lists the ones it has.',
  409: 'The job or pack is not in a state that allows it (E_JOB_STATE, E_NOT_READY, E_CUES_CHANGED, E_MODEL_BUSY, …).',
  413: 'The body or upload is over its limit (E_UPLOAD_TOO_LARGE).',
  422: 'The input was read but cannot be used (the video, subtitles, an audio file, or lip-sync segments: E_LIPSYNC_INVALID carries `violations`).',
  507: 'The data folder\'s disk is full (E_DISK_FULL).',
};

export function errors(...statuses: number[]): Record<string, OpenApiObject> {
  return Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/Error${status}` }]));
}

const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const string = { type: 'string' };
const integer = { type: 'integer' };
const number = { type: 'number' };
const strings = { type: 'array', items: string };

const errorSchema: JsonSchema = {
  type: 'object',
  description: 'RedubErrorData: what went wrong and what to do next; never a stack trace.',
  required: ['code', 'message', 'action'],
  additionalProperties: false,
  properties: {
    code: { type: 'string', enum: Object.keys(errorDefinitions) },
    message: string,
    action: { type: 'string', description: 'The next step for the person reading it.' },
    details: { ...strings, description: 'Specifics of this occurrence: the field, the file, what ffmpeg said.' },
    violations: {
      type: 'array',
      description: 'E_LIPSYNC_INVALID: each broken rule, naming the segment (the same as `details`, as data).',
      items: {
        type: 'object',
        required: ['segmentId', 'rule', 'message'],
        properties: { segmentId: string, rule: { type: 'string', enum: [...lipSyncRules] }, message: string },
      },
    },
  },
};

const audioRef: JsonSchema = {
  type: 'object',
  description: 'AudioRefSummary (shared/lipsync.ts): an audio file added to a job; GET /jobs/{id}/audio/{refId} serves it.',
  required: ['id', 'durationMs', 'name'],
  properties: { id: { type: 'string', description: 'The refId segments name in audio.refId.' }, durationMs: integer, name: { type: 'string', description: 'The file\'s name.' } },
};

const lipSyncSegment: JsonSchema = { ...fromZod(lipSyncSegmentSchema, 'output'), description: 'LipSyncSegment (shared/lipsync.ts).' };

const jobSummary: JsonSchema = {
  type: 'object',
  description: 'JobSummary (shared/jobs.ts): one job is one input dubbed into one language.',
  required: ['id', 'input', 'language', 'state', 'progress', 'createdAt', 'outputs'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    input: string,
    language: string,
    sourceLanguage: nullable(string),
    state: { type: 'string', enum: [...jobStates] },
    priority: integer,
    progress: { type: 'number', minimum: 0, maximum: 1 },
    attempts: integer,
    maxAttempts: integer,
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    startedAt: nullable({ type: 'string', format: 'date-time' }),
    finishedAt: nullable({ type: 'string', format: 'date-time' }),
    etaMs: nullable(integer),
    error: nullable(ref('Error')),
    outputs: { type: 'object', description: 'Paths of the files written so far.', properties: { video: string, subtitles: string, webVtt: string, ass: string, dubStem: string, vocalsStem: string, backgroundStem: string } },
  },
};

const jobDetails: JsonSchema = {
  description: 'JobDetails: the summary with its stages, cues and warnings.',
  allOf: [
    ref('JobSummary'),
    {
      type: 'object',
      properties: {
        stages: { type: 'array', items: { type: 'object', properties: { name: string, state: { type: 'string', enum: ['pending', 'running', 'done', 'failed', 'skipped'] }, progress: number, reused: { type: 'boolean' }, ms: nullable(integer), attempts: integer, executionProvider: nullable(string), error: nullable(ref('Error')) } } },
        cuesSynthesized: integer,
        cues: { type: 'array', items: { type: 'object', properties: { index: integer, id: string, startMs: integer, endMs: integer, sourceText: string, targetText: string, speedFactor: nullable(number) } } },
        warnings: strings,
        lipsync: {
          type: 'object',
          description: 'LipSyncPlan: the segments (by start), the added audio ("dub", the dubbed track, is always there and not listed) and the segment limit the next change is checked against.',
          properties: { segments: { type: 'array', items: ref('LipSyncSegment') }, audio: { type: 'array', items: ref('AudioRef') }, maxSegments: integer },
        },
      },
    },
  ],
};

const jobStateCounts = { type: 'object', properties: Object.fromEntries(jobStates.map((state) => [state, integer])) };

const modelPack: JsonSchema = {
  type: 'object',
  description: 'ModelPackInfo: a pack from the catalog and whether this machine has it.',
  properties: {
    id: string, kind: { type: 'string', enum: [...packKinds] }, name: string, engine: string, languages: strings, license: string, sourceUrl: string,
    minMemoryMb: integer, sizeBytes: nullable(integer), installed: { type: 'boolean' }, installedAt: nullable(string), notes: nullable(string),
  },
};

const modelTask: JsonSchema = {
  type: 'object',
  description: 'ModelTask: an install running in the background.',
  properties: { packId: string, state: { type: 'string', enum: ['running', 'done', 'failed'] }, bytesDone: integer, bytesTotal: nullable(integer), file: nullable(string), error: nullable(ref('Error')) },
};

const cuesView: JsonSchema = {
  type: 'object',
  description: 'CuesView (shared/cues.ts): the cues with a person\'s edits on top, and the revision edits must name.',
  required: ['revision', 'cues'],
  properties: {
    revision: integer, renderedRevision: nullable(integer), mixVersion: nullable(string), dubPeaksVersion: nullable(string), durationMs: integer, fps: number,
    backgroundPeaksVersion: { ...nullable(string), description: 'Set once the voices were separated from the background: GET /jobs/{id}/waveform?track=background then has its peaks.' },
    speakers: {
      type: 'array',
      description: 'Who speaks (SPEAKER_1… as found, or the subtitles\' actors), the voice each speaks with, whether a person picked it, and how many cues they say. PUT /jobs/{id}/voices changes the voices.',
      items: { type: 'object', properties: { id: string, voice: { ...string, description: '`piper:<pack id>` or `espeak:<voice>[+variant]`.' }, picked: { type: 'boolean' }, cues: integer } },
    },
    voiceChoices: { ...strings, description: 'Voices a speaker may be given: the job\'s default voices, in the order speakers get them.' },
    cues: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          index: integer, id: string, startMs: integer, endMs: integer, sourceText: string, targetText: string, speedFactor: nullable(number),
          placedStartMs: nullable(integer), placedEndMs: nullable(integer), flag: nullable({ type: 'string', enum: ['overflow'] }),
          edited: { type: 'boolean' }, stale: { type: 'boolean' }, overlaps: { type: 'boolean' },
          speaker: { ...nullable(string), description: 'Who says it: a person\'s pick, the subtitles\' actor, or the speaker found talking most in it; null: nobody named.' },
        },
      },
    },
  },
};

const event: JsonSchema = {
  type: 'object',
  description: 'RedubEvent: job.updated {job}, job.removed {id}, job.log {jobId, entry}, job.cues {jobId, revision}, queue.updated {queue}, model.updated {task, pack}, model.removed {id, pack}, resync {reason} (fetch the lists again).',
  required: ['type'],
  properties: { type: { type: 'string', enum: ['job.updated', 'job.removed', 'job.log', 'job.cues', 'queue.updated', 'model.updated', 'model.removed', 'resync'] }, id: { type: 'string', description: 'The event id `<boot>:<seq>` (WebSocket messages; resume with lastEventId).' } },
};

export const components: OpenApiObject = {
  securitySchemes: {
    bearer: { type: 'http', scheme: 'bearer', description: 'The token `redub serve` prints, kept in <data-dir>/api-token.' },
    queryToken: { type: 'apiKey', in: 'query', name: 'token', description: 'The same token as ?token=, for media, event streams and WebSockets, which cannot send headers.' },
  },
  schemas: {
    Error: errorSchema,
    ErrorReply: { type: 'object', required: ['error'], additionalProperties: false, properties: { error: ref('Error') } },
    JobSummary: jobSummary,
    JobDetails: jobDetails,
    LipSyncSegment: lipSyncSegment,
    AudioRef: audioRef,
    QueueStatus: { type: 'object', description: 'QueueStatus', properties: { paused: { type: 'boolean' }, counts: jobStateCounts, depth: { ...integer, description: 'queued plus retry_wait' } } },
    Settings: { ...fromZod(settingsSchema, 'output'), description: 'Settings: the whole set, as stored.' },
    LogEntry: { type: 'object', properties: { id: integer, at: { type: 'string', format: 'date-time' }, level: { type: 'string', enum: ['info', 'warn', 'error'] }, stage: nullable(string), message: string } },
    PreviewSources: {
      type: 'object',
      required: ['original', 'dub', 'mix', 'audio'],
      properties: {
        original: string,
        dub: nullable(string),
        mix: nullable(string),
        audio: { type: 'object', additionalProperties: string, description: 'Each audio file added to the job, by refId: the URL of GET /jobs/{id}/audio/{refId}.' },
      },
    },
    CuesView: cuesView,
    WaveformView: { type: 'object', properties: { track: { type: 'string', enum: ['original', 'dub', 'background'] }, startMs: integer, endMs: integer, pixels: integer, peaks: { type: 'array', items: { type: 'integer', minimum: -128, maximum: 127 }, description: '`pixels` pairs of min and max.' } } },
    ModelPackInfo: modelPack,
    ModelTask: modelTask,
    ModelVerification: { type: 'object', properties: { id: string, ok: { type: 'boolean' }, problems: strings } },
    Event: event,
  },
  responses: Object.fromEntries(Object.entries(errorReplies).map(([status, description]) => [`Error${status}`, jsonReply(description, ref('ErrorReply'))])),
};
