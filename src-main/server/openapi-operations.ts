// Owns what each endpoint under /api/v1 is, for the OpenAPI document: its id, summary, the
// parameters and body the handler in api-routes.ts reads (from the same zod schemas it checks
// them with), and the replies it can give. Keyed by the OpenAPI path, then the method.
import { z } from 'zod';
import { cueEditsRequestSchema } from '../shared/cues.js';
import { createJobsRequestSchema, importModelRequestSchema, lipSyncRequestSchema, listJobsQuerySchema, logsQuerySchema, queuePauseSchema, settingsPatchSchema, statsQuerySchema, waveformQuerySchema } from '../shared/contract.js';
import { speakerVoicesRequestSchema } from '../shared/cues.js';
import { audioRefIdSchema } from '../shared/lipsync.js';
import { errors, fromZod, jobIdParameter, jsonBody, jsonReply, packIdParameter, pathParameter, queryParameter, ref, strictJson, type OpenApiObject } from './openapi-schemas.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface OperationSpec extends OpenApiObject {
  operationId: string;
  summary: string;
  tags: string[];
}

/**
 * Endpoints that are documented but not answered through the `routes` table: the WebSockets are
 * upgrades the server takes before any route is matched.
 * The test that walks the table both ways skips exactly these.
 */
export const servedOutsideRoutes = ['GET /ws', 'GET /jobs/{id}/progress'] as const;

/** `<boot>:<seq>`, as the event streams number their events. */
const lastEventIdParameter = { name: 'lastEventId', in: 'query', required: false, description: 'The id of the last event received (`<boot>:<seq>`).', schema: { type: 'string', pattern: '^[0-9a-z]{1,16}:\\d{1,15}$' } };

const jobSummaryReply = (description: string) => ({ '200': jsonReply(description, ref('JobSummary')) });

/** Media and downloads: a byte range lets a <video> seek and a download resume. */
function mediaOperation(operationId: string, summary: string, type: string, disposition: 'inline' | 'attachment', extra: { parameters?: OpenApiObject[]; description?: string } = {}): OperationSpec {
  return {
    operationId,
    summary,
    tags: ['media'],
    description: `${extra.description ?? ''}Sent with \`Content-Disposition: ${disposition}\` and range support; \`?token=\` may stand in for the header (a \`<video src>\` sends none).`,
    parameters: [jobIdParameter, ...(extra.parameters ?? []), { name: 'Range', in: 'header', required: false, description: 'bytes=start-end', schema: { type: 'string' } }],
    responses: {
      '200': { description: 'The whole file.', content: { [type]: { schema: { type: 'string', format: 'binary' } } } },
      '206': { description: 'The requested range (`Content-Range` says which).', content: { [type]: { schema: { type: 'string', format: 'binary' } } } },
      '416': { description: 'The range lies outside the file.' },
      ...errors(401, 404, 409),
    },
  };
}

/** The multipart form POST /jobs also takes (multipart-upload.ts reads it by hand). */
const uploadForm = {
  schema: {
    type: 'object',
    required: ['video', 'to'],
    properties: {
      video: { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream', description: 'The video (one part).' },
      to: { type: 'string', description: 'Target languages, comma-separated (de,fr).' },
      from: fromZod(createJobsRequestSchema.shape.from.unwrap()),
      subtitles: { type: 'string', format: 'binary', description: 'Source subtitles (SRT, VTT, ASS).' },
      subtitlesEncoding: fromZod(createJobsRequestSchema.shape.subtitlesEncoding.unwrap()),
      subtitlesShown: { type: 'string', enum: ['true', 'false'] },
      priority: fromZod(createJobsRequestSchema.shape.priority.unwrap()),
      lipsync: { type: 'string', contentMediaType: 'application/json', description: 'Lip-sync segments as the JSON of a segments file: {"segments": [{"id", "startMs", "endMs", "audio": {"refId", "cropStartMs"?, "cropEndMs"?}, "fit"?}]}.' },
      audio: {
        type: 'array',
        items: { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream' },
        description: 'Audio files for the segments, one part each, refId from the file name: its name without the extension, characters other than letters, digits, "-" and "_" made "-" ("Take 2 (final).wav" → "Take-2-final"), "-2", "-3", … added when taken or "dub". The reply lists the refIds.',
      },
    },
    patternProperties: {
      '^translation\\..+$': { type: 'string', format: 'binary', description: 'translation.<lang>: a ready translation for that language.' },
      '^voice\\..+$': { type: 'string', description: 'voice.<lang>: the voice to speak that language with.' },
      '^audio\\..+$': { type: 'string', format: 'binary', description: 'audio.<refId>: an audio file for the segments under that refId (1–64 letters, digits, "-" or "_"; not "dub").' },
    },
  },
};

const refIdParameter = pathParameter('refId', audioRefIdSchema, 'The refId the audio file was added under, as the job\'s lipsync.audio lists it.');

export const operations: Record<string, Partial<Record<HttpMethod, OperationSpec>>> = {
  '/health': {
    get: {
      operationId: 'getHealth',
      summary: 'Whether the server can do its work',
      tags: ['server'],
      description: 'Answers without a token; also at /health. The data folder\'s path stays out.',
      responses: {
        '200': jsonReply('Healthy.', { type: 'object', properties: { ok: { type: 'boolean' }, version: { type: 'string' }, storage: { type: 'object', properties: { ok: { type: 'boolean' }, freeBytes: { type: ['integer', 'null'] }, problem: { anyOf: [ref('Error'), { type: 'null' }] } } } } }),
        '503': { description: 'The storage has a problem; the body (same shape) names it.' },
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'getMetrics',
      summary: 'Prometheus metrics (redub_*)',
      tags: ['server'],
      description: 'Also at /metrics.',
      responses: { '200': { description: 'Prometheus text format.', content: { 'text/plain': { schema: { type: 'string' } } } }, ...errors(401) },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'getOpenApi',
      summary: 'This document',
      tags: ['server'],
      description: 'Answers without a token: it holds no secrets. The interactive page is at /docs.',
      responses: { '200': jsonReply('The OpenAPI 3.1 document.', { type: 'object' }) },
    },
  },
  '/stats': {
    get: {
      operationId: 'getStats',
      summary: 'Throughput and cache statistics over a time window',
      tags: ['server'],
      parameters: [queryParameter('windowHours', statsQuerySchema.shape.windowHours, 'How many hours back to count, ending now.')],
      responses: {
        '200': jsonReply('The statistics.', {
          type: 'object',
          description: 'Stats (shared/contract.ts): jobs by outcome, job and stage durations (count, medianMs, p95Ms), throughput, cache hits.',
          properties: { windowHours: { type: 'number' }, from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' }, jobs: { type: 'object' }, durations: { type: 'object' }, mediaMinutesPerHour: { type: 'number' }, cache: { type: 'object', properties: { stageRuns: { type: 'integer' }, reused: { type: 'integer' }, hitRate: { type: ['number', 'null'] } } } },
        }),
        ...errors(400, 401),
      },
    },
  },
  '/jobs': {
    get: {
      operationId: 'listJobs',
      summary: 'List jobs, newest first',
      tags: ['jobs'],
      parameters: [
        queryParameter('state', listJobsQuerySchema.shape.states.unwrap(), 'Only jobs in these states, comma-separated (also accepted as `states`).', { style: 'form', explode: false }),
        queryParameter('search', listJobsQuerySchema.shape.search.unwrap(), 'Text the input path or language contains.'),
        queryParameter('limit', listJobsQuerySchema.shape.limit),
        queryParameter('offset', listJobsQuerySchema.shape.offset),
      ],
      responses: { '200': jsonReply('A page of jobs and how many match in all.', { type: 'object', properties: { total: { type: 'integer' }, jobs: { type: 'array', items: ref('JobSummary') } } }), ...errors(400, 401) },
    },
    post: {
      operationId: 'createJobs',
      summary: 'Dub a video into one or more languages (one job per language)',
      tags: ['jobs'],
      description:
        'JSON names files on the machine that runs the server; a multipart upload sends them. Packs that are needed but not installed are refused before anything is queued (E_MODEL_MISSING): lip-sync segments need `yunet-2023mar` and `wav2lip-96`. ' +
        'Segments are checked against the video and the audio (`audio`: refId → file; "dub" is the dubbed track) with at most `maxLipSyncSegments` (a setting, 5 by default): a broken rule is 422 E_LIPSYNC_INVALID with `violations` [{segmentId, rule, message}]. ' +
        'An audio file that holds no sound is E_AUDIO_INVALID, one with no bytes or no length E_AUDIO_EMPTY, one longer than the duration limit (the job\'s, else 4 hours) E_AUDIO_TOO_LONG (422).',
      requestBody: {
        required: true,
        content: { 'application/json': strictJson(createJobsRequestSchema), 'multipart/form-data': uploadForm },
      },
      responses: {
        '201': jsonReply('The jobs, queued; a multipart upload also lists the audio files it added, each with its refId.', {
          type: 'object',
          properties: { jobs: { type: 'array', items: ref('JobSummary') }, audio: { type: 'array', items: ref('AudioRef'), description: 'Multipart uploads only: the uploaded audio files with the refIds they got.' } },
        }),
        ...errors(400, 401, 409, 413, 422, 507),
      },
    },
  },
  '/jobs/{id}': {
    get: {
      operationId: 'getJob',
      summary: 'One job with its stages, cues and warnings',
      tags: ['jobs'],
      parameters: [jobIdParameter],
      responses: { '200': jsonReply('The job.', ref('JobDetails')), ...errors(400, 401, 404) },
    },
    delete: {
      operationId: 'cancelOrDeleteJob',
      summary: 'Cancel a job; with ?purge=1, remove it and its records',
      tags: ['jobs'],
      parameters: [jobIdParameter, queryParameter('purge', z.enum(['1', 'true']), 'Remove the job as well (a running one is cancelled first).')],
      responses: {
        '200': jsonReply('The cancelled job, or {id, deleted: true} with purge.', { anyOf: [ref('JobSummary'), { type: 'object', properties: { id: { type: 'string' }, deleted: { const: true } } }] }),
        ...errors(400, 401, 404, 409),
      },
    },
  },
  '/jobs/{id}/cancel': {
    post: { operationId: 'cancelJob', summary: 'Cancel a queued or running job', tags: ['jobs'], parameters: [jobIdParameter], responses: { ...jobSummaryReply('The job, cancelled.'), ...errors(400, 401, 404, 409) } },
  },
  '/jobs/{id}/retry': {
    post: { operationId: 'retryJob', summary: 'Run a failed or cancelled job again', tags: ['jobs'], parameters: [jobIdParameter], responses: { ...jobSummaryReply('The job, queued again.'), ...errors(400, 401, 404, 409) } },
  },
  '/jobs/{id}/logs': {
    get: {
      operationId: 'getLogs',
      summary: 'The job\'s log lines',
      tags: ['jobs'],
      parameters: [jobIdParameter, queryParameter('afterId', logsQuerySchema.shape.afterId.unwrap(), 'Only lines after this id (to follow a log).'), queryParameter('limit', logsQuerySchema.shape.limit)],
      responses: { '200': jsonReply('The lines.', { type: 'object', properties: { logs: { type: 'array', items: ref('LogEntry') } } }), ...errors(400, 401, 404) },
    },
  },
  '/jobs/{id}/preview': {
    get: { operationId: 'previewSources', summary: 'URLs of the original, the dub and its mix', tags: ['media'], parameters: [jobIdParameter], responses: { '200': jsonReply('The URLs (null while not made yet).', ref('PreviewSources')), ...errors(400, 401, 404) } },
  },
  '/jobs/{id}/cues': {
    get: { operationId: 'getCues', summary: 'The cues with a person\'s edits on top', tags: ['cues'], parameters: [jobIdParameter], responses: { '200': jsonReply('The cues.', ref('CuesView')), ...errors(400, 401, 404, 409) } },
    patch: {
      operationId: 'editCues',
      summary: 'Apply a batch of cue edits, all or none',
      tags: ['cues'],
      description: 'The edits must name the revision they were made against; another one is E_CUES_CHANGED (409). Undo and redo are `revert` edits.',
      parameters: [jobIdParameter],
      requestBody: jsonBody(cueEditsRequestSchema),
      responses: { '200': jsonReply('The cues after the edits.', ref('CuesView')), ...errors(400, 401, 404, 409, 422) },
    },
  },
  '/jobs/{id}/render': {
    post: {
      operationId: 'renderJob',
      summary: 'Render the edited cues again',
      tags: ['cues'],
      description: 'Only changed cues are synthesized; progress arrives as job.updated events.',
      parameters: [jobIdParameter],
      responses: { '202': jsonReply('The job, running again.', ref('JobSummary')), ...errors(400, 401, 404, 409) },
    },
  },
  '/jobs/{id}/lipsync': {
    put: {
      operationId: 'replaceLipSync',
      summary: 'Replace the job\'s lip-sync segments and render again',
      tags: ['cues'],
      description:
        'All of the job\'s segments ([] removes them), checked as at creation against its video, its added audio and the `maxLipSyncSegments` setting: a broken rule is 422 E_LIPSYNC_INVALID with `violations` [{segmentId, rule, message}] and `details` (the same as sentences), and nothing changes. ' +
        'Segments need the lip-sync packs (409 E_MODEL_MISSING naming them). A running job is 409 E_JOB_STATE; a done one is queued again (stage results are reused where nothing changed), a failed or cancelled one retried.',
      parameters: [jobIdParameter],
      requestBody: jsonBody(lipSyncRequestSchema),
      responses: { '200': jsonReply('The job, queued again, with its new segments in `lipsync`.', ref('JobDetails')), ...errors(400, 401, 404, 409, 422) },
    },
  },
  '/jobs/{id}/voices': {
    put: {
      operationId: 'replaceSpeakerVoices',
      summary: 'Pick the voice each speaker speaks with, and render again',
      tags: ['cues'],
      description:
        'Every pick at once (`voices`: speaker → `piper:<pack id>` or `espeak:<voice>[+variant]`, such as `espeak:es+f3`); a speaker left out takes the job\'s next default voice again. ' +
        'Speakers are named by the cues (`speaker` in GET /jobs/{id}/cues: SPEAKER_1… as found, or the subtitles\' actors); the cues\' view lists them with their voices, and `voiceChoices`. ' +
        'A voice that does not exist is 422 E_LANGUAGE_UNSUPPORTED, a Piper pack not installed 409 E_MODEL_MISSING. A running job is 409 E_JOB_STATE; a done one is queued again, and only the cues of speakers whose voice changed are spoken again.',
      parameters: [jobIdParameter],
      requestBody: jsonBody(speakerVoicesRequestSchema),
      responses: { '200': jsonReply('The job, queued again.', ref('JobDetails')), ...errors(400, 401, 404, 409, 422) },
    },
  },
  '/jobs/{id}/audio/{refId}': {
    get: mediaOperation('getAudio', 'An audio file added to the job', 'application/octet-stream', 'inline', {
      parameters: [refIdParameter],
      description: 'The file as it was added (its own type: audio/wav, audio/mpeg, …), for drawing its waveform. An unknown refId is 400 E_BAD_REQUEST. ',
    }),
  },
  '/jobs/{id}/waveform': {
    get: {
      operationId: 'getWaveform',
      summary: 'Min/max peaks of a track over a time range',
      tags: ['media'],
      parameters: [
        jobIdParameter,
        queryParameter('track', waveformQuerySchema.shape.track.default('original')),
        { ...queryParameter('start', waveformQuerySchema.shape.startMs, 'Start of the range (ms).'), required: true },
        { ...queryParameter('end', waveformQuerySchema.shape.endMs, 'End of the range (ms), after start.'), required: true },
        { ...queryParameter('pixels', waveformQuerySchema.shape.pixels, 'How many min/max pairs.'), required: true },
      ],
      responses: { '200': jsonReply('The peaks.', ref('WaveformView')), ...errors(400, 401, 404, 409) },
    },
  },
  '/jobs/{id}/media/original': { get: mediaOperation('getOriginalMedia', 'The video the job was made from', 'video/mp4', 'inline') },
  '/jobs/{id}/media/dub': { get: mediaOperation('getDubMedia', 'The dubbed video', 'video/mp4', 'inline') },
  '/jobs/{id}/media/mix': { get: mediaOperation('getMixMedia', 'The dub\'s mixed audio as the last render left it', 'audio/wav', 'inline') },
  '/jobs/{id}/download': { get: mediaOperation('downloadDub', 'Download the dubbed video', 'video/mp4', 'attachment') },
  '/jobs/{id}/progress': {
    get: {
      operationId: 'jobProgressSocket',
      summary: 'WebSocket: one job\'s events until it ends',
      tags: ['events'],
      description:
        'A WebSocket upgrade. The first message is {"type":"job.updated","job":…} with the job as it is now (no `id`); then each of this job\'s job.updated, job.log and job.cues events (JSON, with an `id`). ' +
        'The server closes with 1000 when the job ends or is removed (at once if it already has), 4404 for an unknown job, 4400 for a bad id, 1013 for a client too slow to read, 1001 when it shuts down. ' +
        'The client may send {"type":"ping"} (answered {"type":"pong"}) and {"type":"cancel"} (answered {"type":"cancelled","job":…} or {"type":"error","error":…}); anything else is answered with an E_BAD_REQUEST error and the socket stays open.',
      parameters: [jobIdParameter, { name: 'Upgrade', in: 'header', required: true, schema: { type: 'string', const: 'websocket' } }],
      responses: { '101': { description: 'Switching Protocols: the WebSocket is open.' }, ...errors(400, 401, 404) },
    },
  },
  '/queue': {
    get: { operationId: 'queueStatus', summary: 'Jobs per state and whether the queue is paused', tags: ['queue'], responses: { '200': jsonReply('The queue.', ref('QueueStatus')), ...errors(401) } },
    put: { operationId: 'setQueuePaused', summary: 'Pause or resume the queue', tags: ['queue'], requestBody: jsonBody(queuePauseSchema), responses: { '200': jsonReply('The queue.', ref('QueueStatus')), ...errors(400, 401) } },
  },
  '/settings': {
    get: { operationId: 'getSettings', summary: 'The settings', tags: ['settings'], responses: { '200': jsonReply('The settings.', ref('Settings')), ...errors(401) } },
    patch: {
      operationId: 'updateSettings',
      summary: 'Change some settings',
      tags: ['settings'],
      description: 'Only the fields given change; a misspelt one is refused, not dropped.',
      requestBody: jsonBody(settingsPatchSchema),
      responses: { '200': jsonReply('The settings after the change.', ref('Settings')), ...errors(400, 401) },
    },
  },
  '/events': {
    get: {
      operationId: 'streamEvents',
      summary: 'Server-Sent Events: every job, queue and model event',
      tags: ['events'],
      description: 'Each event is one `data:` line of JSON (see the Event schema) with an `id:` line; a comment heartbeat every 15 s. A reconnecting client sends `Last-Event-ID` (EventSource does) or ?lastEventId= and gets what it missed, or a `resync` event when that is gone.',
      parameters: [lastEventIdParameter, { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } }],
      responses: { '200': { description: 'The stream, open until the client leaves.', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errors(401) },
    },
  },
  '/ws': {
    get: {
      operationId: 'eventSocket',
      summary: 'WebSocket: every event, resumable',
      tags: ['events'],
      description: 'A WebSocket upgrade. Each message is an event (JSON, see the Event schema) with its `id` added; reconnecting with ?lastEventId= sends what was missed first, or a `resync` event when that is gone. The client may send {"type":"ping"}. Close codes: 1013 too slow (reconnect with lastEventId), 1001 the server shuts down; a client that misses a ping is dropped.',
      parameters: [
        lastEventIdParameter,
        { name: 'Upgrade', in: 'header', required: true, schema: { type: 'string', const: 'websocket' } },
      ],
      responses: { '101': { description: 'Switching Protocols: the WebSocket is open.' }, ...errors(400, 401) },
    },
  },
  '/models': {
    get: {
      operationId: 'listModels',
      summary: 'The model catalog, what is installed and installs under way',
      tags: ['models'],
      responses: { '200': jsonReply('Packs and tasks.', { type: 'object', properties: { packs: { type: 'array', items: ref('ModelPackInfo') }, tasks: { type: 'array', items: ref('ModelTask') } } }), ...errors(401) },
    },
  },
  '/models/{id}': {
    delete: {
      operationId: 'removeModel',
      summary: 'Remove an installed pack',
      tags: ['models'],
      parameters: [packIdParameter],
      responses: { '200': jsonReply('Whether anything was removed.', { type: 'object', properties: { id: { type: 'string' }, removed: { type: 'boolean' } } }), ...errors(400, 401, 404, 409) },
    },
  },
  '/models/{id}/install': {
    post: {
      operationId: 'installModel',
      summary: 'Download and install a pack',
      tags: ['models'],
      description: 'Progress and the outcome arrive as model.updated events.',
      parameters: [packIdParameter],
      responses: { '202': jsonReply('The install\'s task.', ref('ModelTask')), ...errors(400, 401, 404, 409, 507) },
    },
  },
  '/models/{id}/import': {
    post: {
      operationId: 'importModel',
      summary: 'Install a pack from a folder or .tar/.tar.gz on this machine',
      tags: ['models'],
      parameters: [packIdParameter],
      requestBody: jsonBody(importModelRequestSchema),
      responses: { '200': jsonReply('The pack, installed.', ref('ModelPackInfo')), ...errors(400, 401, 404, 409, 422, 507) },
    },
  },
  '/models/{id}/verify': {
    post: {
      operationId: 'verifyModel',
      summary: 'Check an installed pack\'s files against their checksums',
      tags: ['models'],
      parameters: [packIdParameter],
      responses: { '200': jsonReply('What was found.', ref('ModelVerification')), ...errors(400, 401, 404) },
    },
  },
};
