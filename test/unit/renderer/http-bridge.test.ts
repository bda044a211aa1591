import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../src-renderer/bridge/api-error.js';
import { createHttpBridge, type ConnectionState } from '../../../src-renderer/bridge/http-bridge.js';
import { buildQuery, buildUploadForm } from '../../../src-main/shared/client/index.js';
import { jobSummary } from '../../helpers/job-fixtures.js';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that answers every request with `reply` and records what it was asked. */
function fakeFetch(reply: () => Response) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    calls.push({ url, init });
    return reply();
  });
  return { fetch, calls };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const id = '3f2b8c1e-8f4a-4a5e-9b1c-2d3e4f5a6b7c';

function bridgeWith(reply: () => Response, token: string | null = 'secret') {
  const { fetch, calls } = fakeFetch(reply);
  // Retries wait a millisecond at most here; the client's own tests pin the delays.
  const bridge = createHttpBridge({ token, fetch, backoff: { baseMs: 1, maxMs: 1 } });
  return { bridge, calls };
}

describe('buildQuery', () => {
  it('leaves out empty parameters and encodes values', () => {
    expect(buildQuery({})).toBe('');
    expect(buildQuery({ a: undefined, b: null, c: '' })).toBe('');
    expect(buildQuery({ state: 'queued,running', search: 'my talk', limit: 10, offset: 0 })).toBe('?state=queued%2Crunning&search=my+talk&limit=10&offset=0');
  });
});

describe('the HTTP bridge builds requests', () => {
  it('sends the bearer token and JSON on POST /api/v1/jobs', async () => {
    const { bridge, calls } = bridgeWith(() => json({ jobs: [] }, 201));
    await bridge.createJobs({ input: '/v/talk.mp4', to: ['es'] });
    expect(calls[0]!.url).toBe('/api/v1/jobs');
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.headers).toMatchObject({ Authorization: 'Bearer secret', 'Content-Type': 'application/json' });
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ input: '/v/talk.mp4', to: ['es'] });
  });

  it('sends no Authorization header without a token', async () => {
    const { bridge, calls } = bridgeWith(() => json({ paused: false, counts: {}, depth: 0 }), null);
    await bridge.queueStatus();
    expect(calls[0]!.init.headers).not.toHaveProperty('Authorization');
  });

  it('lists jobs with states joined by commas, search, limit and offset', async () => {
    const { bridge, calls } = bridgeWith(() => json({ total: 0, jobs: [] }));
    await bridge.listJobs({ states: ['queued', 'running'], search: 'talk', limit: 50, offset: 100 });
    await bridge.listJobs();
    expect(calls[0]!.url).toBe('/api/v1/jobs?state=queued%2Crunning&search=talk&limit=50&offset=100');
    expect(calls[1]!.url).toBe('/api/v1/jobs');
  });

  it('maps each method to its endpoint and verb', async () => {
    const { bridge, calls } = bridgeWith(() => json({}));
    await bridge.getJob(id);
    await bridge.getLogs(id, { afterId: 41 });
    await bridge.cancelJob(id);
    await bridge.retryJob(id);
    await bridge.deleteJob(id);
    await bridge.setQueuePaused(true);
    await bridge.getSettings();
    await bridge.updateSettings({ maxSpeed: 1.2 });
    expect(calls.map((call) => `${call.init.method} ${call.url}`)).toEqual([
      `GET /api/v1/jobs/${id}`,
      `GET /api/v1/jobs/${id}/logs?afterId=41`,
      `DELETE /api/v1/jobs/${id}`,
      `POST /api/v1/jobs/${id}/retry`,
      `DELETE /api/v1/jobs/${id}?purge=1`,
      'PUT /api/v1/queue',
      'GET /api/v1/settings',
      'PATCH /api/v1/settings',
    ]);
    expect(JSON.parse(String(calls[5]!.init.body))).toEqual({ paused: true });
    expect(JSON.parse(String(calls[7]!.init.body))).toEqual({ maxSpeed: 1.2 });
  });

  it('escapes ids in paths', async () => {
    const { bridge, calls } = bridgeWith(() => json({}));
    await bridge.getJob('a/b?c');
    expect(calls[0]!.url).toBe('/api/v1/jobs/a%2Fb%3Fc');
  });

  it('returns the reply body as the value', async () => {
    const job = jobSummary();
    const { bridge } = bridgeWith(() => json(job));
    await expect(bridge.cancelJob(job.id)).resolves.toEqual(job);
  });

  it('gives media URLs the token, since <video> cannot send headers', async () => {
    const { bridge } = bridgeWith(() => json({ original: `/api/v1/jobs/${id}/media/original`, dub: `/api/v1/jobs/${id}/media/dub?range=1`, mix: `/api/v1/jobs/${id}/media/mix`, audio: { voice: `/api/v1/jobs/${id}/audio/voice` } }), 'to ken');
    await expect(bridge.previewSources(id)).resolves.toEqual({
      original: `/api/v1/jobs/${id}/media/original?token=to%20ken`,
      dub: `/api/v1/jobs/${id}/media/dub?range=1&token=to%20ken`,
      mix: `/api/v1/jobs/${id}/media/mix?token=to%20ken`,
      audio: { voice: `/api/v1/jobs/${id}/audio/voice?token=to%20ken` },
    });
    const { bridge: noDub } = bridgeWith(() => json({ original: '/o', dub: null, mix: null, audio: {} }));
    await expect(noDub.previewSources(id)).resolves.toEqual({ original: '/o?token=secret', dub: null, mix: null, audio: {} });
  });

  it('replaces lip-sync segments with PUT, and rejects a refusal with its violations', async () => {
    const segments = [{ id: 'a', startMs: 0, endMs: 500, audio: { refId: 'voice' } }];
    const { bridge, calls } = bridgeWith(() => json({ id }));
    await expect(bridge.replaceLipSync(id, { segments })).resolves.toEqual({ id });
    expect(`${calls[0]!.init.method} ${calls[0]!.url}`).toBe(`PUT /api/v1/jobs/${id}/lipsync`);
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ segments });
    const violations = [{ segmentId: 'a', rule: 'segment-limit', message: 'At most 1 lip-sync segment.' }];
    const { bridge: refusing, calls: refused } = bridgeWith(() => json({ error: { code: 'E_LIPSYNC_INVALID', message: 'A lip-sync segment breaks a rule.', action: 'Fix it.', violations } }, 422));
    await expect(refusing.replaceLipSync(id, { segments })).rejects.toMatchObject({ code: 'E_LIPSYNC_INVALID', violations });
    expect(refused).toHaveLength(1);
  });

  it('uploads files as multipart without setting Content-Type itself (fetch adds the boundary)', async () => {
    const { bridge, calls } = bridgeWith(() => json({ jobs: [] }, 201));
    await bridge.uploadJobs({ video: new File(['v'], 'talk.mp4'), to: ['es', 'fr'], from: 'en', subtitles: new File(['s'], 'talk.srt'), translations: { es: new File(['t'], 'talk.es.srt') } });
    expect(calls[0]!.init.headers).not.toHaveProperty('Content-Type');
    const form = calls[0]!.init.body as FormData;
    expect(form.get('to')).toBe('es,fr');
    expect(form.get('from')).toBe('en');
    expect((form.get('video') as File).name).toBe('talk.mp4');
    expect((form.get('subtitles') as File).name).toBe('talk.srt');
    expect((form.get('translation.es') as File).name).toBe('talk.es.srt');
  });

  it('puts the video last in the form, after the small parts', () => {
    const form = buildUploadForm({ video: new File(['v'], 'talk.mp4'), to: ['es'], translations: { es: new File(['t'], 'talk.es.srt') } });
    const names: string[] = [];
    form.forEach((_value, name) => names.push(name));
    expect(names).toEqual(['to', 'translation.es', 'video']);
  });
});

describe('the HTTP bridge’s model requests', () => {
  const pack = {
    id: 'whisper-small',
    kind: 'asr',
    name: 'Whisper small',
    engine: 'whisper',
    languages: ['en', 'de'],
    license: 'MIT',
    sourceUrl: 'https://example.org/whisper',
    minMemoryMb: 1024,
    sizeBytes: 1000,
    installed: true,
    installedAt: '2025-01-01T10:00:00.000Z',
    notes: null,
  };

  it('maps each model method to its endpoint and verb, with the token', async () => {
    const { bridge, calls } = bridgeWith(() => json({}));
    await bridge.listModels();
    await bridge.installModel('whisper-small');
    await bridge.importModel('whisper-small', '/srv/packs/whisper-small.tar.gz');
    await bridge.verifyModel('whisper-small');
    await bridge.removeModel('whisper-small');
    expect(calls.map((call) => `${call.init.method} ${call.url}`)).toEqual([
      'GET /api/v1/models',
      'POST /api/v1/models/whisper-small/install',
      'POST /api/v1/models/whisper-small/import',
      'POST /api/v1/models/whisper-small/verify',
      'DELETE /api/v1/models/whisper-small',
    ]);
    for (const call of calls) expect(call.init.headers).toMatchObject({ Authorization: 'Bearer secret' });
  });

  it('sends the import source as JSON and nothing with the other requests', async () => {
    const { bridge, calls } = bridgeWith(() => json({}));
    await bridge.importModel('whisper-small', 'C:\\packs\\whisper small');
    await bridge.installModel('whisper-small');
    expect(calls[0]!.init.headers).toMatchObject({ 'Content-Type': 'application/json' });
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ source: 'C:\\packs\\whisper small' });
    expect(calls[1]!.init.body).toBeUndefined();
    expect(calls[1]!.init.headers).not.toHaveProperty('Content-Type');
  });

  it('escapes pack ids in paths', async () => {
    const { bridge, calls } = bridgeWith(() => json({}));
    await bridge.removeModel('a/b?c');
    expect(calls[0]!.url).toBe('/api/v1/models/a%2Fb%3Fc');
  });

  it('returns the replies as values: the list, the 202 task, the pack, the verification, the removal', async () => {
    const task = { packId: 'whisper-small', state: 'running', bytesDone: 0, bytesTotal: 1000, file: null, error: null };
    await expect(bridgeWith(() => json({ packs: [pack], tasks: [task] })).bridge.listModels()).resolves.toEqual({ packs: [pack], tasks: [task] });
    await expect(bridgeWith(() => json(task, 202)).bridge.installModel('whisper-small')).resolves.toEqual(task);
    await expect(bridgeWith(() => json(pack)).bridge.importModel('whisper-small', '/p')).resolves.toEqual(pack);
    const verification = { id: 'whisper-small', ok: false, problems: ['model.bin: checksum differs'] };
    await expect(bridgeWith(() => json(verification)).bridge.verifyModel('whisper-small')).resolves.toEqual(verification);
    await expect(bridgeWith(() => json({ id: 'whisper-small', removed: true })).bridge.removeModel('whisper-small')).resolves.toEqual({ id: 'whisper-small', removed: true });
  });

  it('throws the API’s error with its sentence and action', async () => {
    const body = { error: { code: 'E_BAD_REQUEST', message: 'The folder has no model.bin.', action: 'Name the folder that holds the pack’s files.', details: ['source: /p'] } };
    const { bridge } = bridgeWith(() => json(body, 400));
    const error = (await bridge.importModel('whisper-small', '/p').catch((caught: unknown) => caught)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.data).toEqual(body.error);
  });

  it('names the error by the status when an older core has no model routes', async () => {
    const { bridge } = bridgeWith(() => new Response('Not Found', { status: 404 }));
    const error = (await bridge.listModels().catch((caught: unknown) => caught)) as ApiError;
    expect(error.code).toBe('E_ROUTE_NOT_FOUND');
    expect(error.details).toEqual(['The local API answered HTTP 404.']);
  });
});

describe('the HTTP bridge maps errors', () => {
  it('throws the API’s own error as an ApiError with its code, sentence, action and details', async () => {
    const body = { error: { code: 'E_JOB_NOT_FOUND', message: 'There is no job with that id.', action: 'Run `redub jobs list`.', details: ['id: x'] } };
    const { bridge } = bridgeWith(() => json(body, 404));
    const error = await bridge.getJob(id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect((error as ApiError).data).toEqual(body.error);
  });

  it('keeps the sentence of a code this renderer does not know', async () => {
    const { bridge } = bridgeWith(() => json({ error: { code: 'E_FROM_THE_FUTURE', message: 'New problem.', action: 'New fix.' } }, 400));
    const error = (await bridge.getJob(id).catch((caught: unknown) => caught)) as ApiError;
    expect(error.code).toBe('E_INTERNAL');
    expect(error.message).toBe('New problem.');
    expect(error.action).toBe('New fix.');
    expect(error.details).toEqual(['Error code E_FROM_THE_FUTURE']);
  });

  it('names the error by the status when the body is not an error object', async () => {
    const cases: [number, string][] = [
      [401, 'E_UNAUTHORIZED'],
      [404, 'E_ROUTE_NOT_FOUND'],
      [413, 'E_UPLOAD_TOO_LARGE'],
      [502, 'E_INTERNAL'],
    ];
    for (const [status, code] of cases) {
      const { bridge } = bridgeWith(() => new Response('<html>proxy error</html>', { status }));
      const error = (await bridge.queueStatus().catch((caught: unknown) => caught)) as ApiError;
      expect(error.code, String(status)).toBe(code);
      expect(error.details).toEqual([`The local API answered HTTP ${status}.`]);
    }
  });

  it('says the API cannot be reached when fetch itself fails, after retrying the GET', async () => {
    const fetch = vi.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    const bridge = createHttpBridge({ token: 't', fetch, backoff: { baseMs: 1, maxMs: 1 } });
    const error = (await bridge.getSettings().catch((caught: unknown) => caught)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('E_API_UNREACHABLE');
    expect(error.message).toBe("Redub's local API cannot be reached.");
    expect(error.details).toEqual(['Failed to fetch']);
    expect(fetch).toHaveBeenCalledTimes(4);
  });
});

/** An event stream the test writes to: each call of fetch for /events gets the next one. */
function eventStreams() {
  const streams: { url: string; headers: Record<string, string>; push(text: string): void; end(): void }[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => (controller = c) });
    init.signal?.addEventListener('abort', () => controller.error(init.signal!.reason));
    streams.push({ url, headers: init.headers as Record<string, string>, push: (text) => controller.enqueue(new TextEncoder().encode(text)), end: () => controller.close() });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
  });
  return { fetch, streams };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('the HTTP bridge’s events', () => {
  it('opens one connection for every listener, with the token as a header, and closes it after the last leaves', async () => {
    const { fetch, streams } = eventStreams();
    const bridge = createHttpBridge({ token: 'secret', fetch, backoff: { baseMs: 1, maxMs: 1 } });
    const states: ConnectionState[] = [];
    bridge.onConnection((state) => states.push(state));
    const first: unknown[] = [];
    const second: unknown[] = [];
    const stopFirst = bridge.onEvent((event) => first.push(event));
    const stopSecond = bridge.onEvent((event) => second.push(event));
    await settle();
    expect(streams).toHaveLength(1);
    expect(streams[0]!.url).toBe('/api/v1/events');
    expect(streams[0]!.headers).toMatchObject({ Authorization: 'Bearer secret', Accept: 'text/event-stream' });
    streams[0]!.push('id: b:1\ndata: {"type":"job.removed","id":"a"}\n\n');
    await settle();
    expect(first).toEqual([{ type: 'job.removed', id: 'a' }]);
    expect(second).toEqual(first);
    expect(states).toEqual(['connecting', 'open']);
    stopFirst();
    stopSecond();
    await settle();
    // Listening again resumes after the last event the page saw.
    const stopAgain = bridge.onEvent(() => undefined);
    await settle();
    expect(streams).toHaveLength(2);
    expect(streams[1]!.headers['Last-Event-ID']).toBe('b:1');
    stopAgain();
  });

  it('says "closed" while the stream is down and "open" once it is back, so the page reloads', async () => {
    const { fetch, streams } = eventStreams();
    const bridge = createHttpBridge({ token: null, fetch, backoff: { baseMs: 1, maxMs: 1 } });
    const states: ConnectionState[] = [];
    bridge.onConnection((state) => states.push(state));
    const stop = bridge.onEvent(() => undefined);
    await settle();
    streams[0]!.end();
    await settle();
    expect(streams).toHaveLength(2);
    expect(states).toEqual(['connecting', 'open', 'closed', 'open']);
    stop();
  });
});
