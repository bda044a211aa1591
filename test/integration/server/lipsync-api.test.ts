// Lip-sync segments and added audio through the local API: the create-job JSON with `audio` and
// `lipsync`, a multipart upload of several audio files (each given a refId, returned in the reply),
// PUT /jobs/{id}/lipsync replacing a finished job's segments and queuing it again, the added audio
// served with byte ranges, and the maxLipSyncSegments setting held the same on every path. The
// queue stays paused: what is checked is what the API queues and answers, not a render.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lipSyncPacks } from '../../../src-main/core/engines/lipsync/lipsync-packs.js';
import type { RedubErrorData } from '../../../src-main/shared/errors.js';
import type { JobDetails, JobSummary } from '../../../src-main/shared/jobs.js';
import type { AudioRefSummary } from '../../../src-main/shared/lipsync.js';
import { bundledSample } from '../../helpers/cli.js';
import { makeTone } from '../../helpers/media-fixtures.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { fakeLipSyncPacks, segment, writeNotAudio } from '../../unit/pipeline/lipsync-fixtures.js';
import { StalledHost } from '../../unit/service/stalled-worker-host.js';
import { expectApiError, multipartBody, send, startHarness, type Harness } from './server-harness.js';

interface Call<T> {
  status: number;
  json: T;
  text: string;
}

describe('lip-sync through the API', { timeout: 60_000 }, () => {
  const temporary = useTemporaryDirectory('redub-lipsync-api-');
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  async function open(options: { packs?: boolean } = {}): Promise<Harness> {
    const root = temporary();
    if (options.packs !== false) fakeLipSyncPacks(path.join(root, 'data'));
    harness = await startHarness(root, { workerHost: new StalledHost() });
    await harness.service.setQueuePaused(true);
    return harness;
  }

  async function call<T = Record<string, unknown>>(h: Harness, method: string, route: string, body?: unknown): Promise<Call<T>> {
    const reply = await send(h.port, {
      method, path: `/api/v1${route}`,
      headers: { ...h.auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: reply.status, json: reply.text ? reply.json<T>() : (undefined as T), text: reply.text };
  }

  const jobRequest = (extra: Record<string, unknown> = {}) => ({
    input: bundledSample.video, to: ['es'], subtitles: bundledSample.sourceSubtitles, translations: { es: bundledSample.targetSubtitles }, outDir: path.join(temporary(), 'out'), ...extra,
  });

  /** A job of `h` marked done as a finished run leaves it (claimed and completed while the queue is paused). */
  function finish(h: Harness, id: string, complete = true): void {
    const { jobs } = h.service.core.store;
    // One synchronous step: the server's own scheduler cannot claim between the two.
    jobs.setPaused(false);
    const claimed = jobs.claimNext('lipsync-test', 60_000, [id]);
    jobs.setPaused(true);
    expect(claimed?.id).toBe(id);
    if (complete) expect(jobs.complete(id, claimed!.allocationId!, {})).toBe(true);
  }

  function violationsOf(reply: Call<{ error: RedubErrorData }>): string[] {
    expect(reply.status, reply.text).toBe(422);
    expect(reply.json.error.code).toBe('E_LIPSYNC_INVALID');
    expect(reply.json.error.details).toEqual(reply.json.error.violations!.map((violation) => `${violation.message} [rule: ${violation.rule}]`));
    return reply.json.error.violations!.map((violation) => `${violation.segmentId}:${violation.rule}`);
  }

  it('creates a job from JSON with added audio and segments, and its details carry them', async () => {
    const h = await open();
    const narrator = await makeTone(temporary(), { name: 'narrator.wav', seconds: 1, sampleRate: 16_000 });
    const segments = [segment('intro', 1000, 2000, 'narrator', { fit: false }), segment('outro', 9000, 10_000)];
    const created = await call<{ jobs: JobSummary[] }>(h, 'POST', '/jobs', jobRequest({ lipsync: { segments }, audio: { narrator } }));
    expect(created.status, created.text).toBe(201);
    const job = (await call<JobDetails>(h, 'GET', `/jobs/${created.json.jobs[0]!.id}`)).json;
    expect(job.lipsync).toEqual({ segments, audio: [{ id: 'narrator', durationMs: 1000, name: 'narrator.wav' }], maxSegments: 5 });
  });

  it('refuses segments that break rules with 422 E_LIPSYNC_INVALID, each violation naming its segment and rule, and queues nothing', async () => {
    const h = await open();
    const narrator = await makeTone(temporary(), { seconds: 0.5, sampleRate: 16_000 });
    const segments = [
      segment('a', 1000, 3000),
      segment('b', 2000, 2500),
      segment('c', 4000, 3000),
      segment('d', 5000, 6000, 'narrator', { cropStartMs: 0, cropEndMs: 1000 }),
      segment('e', 7000, 7400, 'narrator', { fit: false }),
      segment('f', 8000, 8500, 'nobody'),
    ];
    const reply = await call<{ error: RedubErrorData }>(h, 'POST', '/jobs', jobRequest({ lipsync: { segments }, audio: { narrator } }));
    expect(violationsOf(reply)).toEqual(expect.arrayContaining(['b:no-overlap', 'c:start-before-end', 'd:crop-inside-audio', 'e:length-matches-audio', 'f:known-audio']));
    expect(h.service.core.store.jobs.count({})).toBe(0);
  });

  it('refuses a bad refId as a bad request, a bad audio file with its code, and segments without the packs with E_MODEL_MISSING', async () => {
    const h = await open({ packs: false });
    const tone = await makeTone(temporary(), { seconds: 1 });
    const dub = await call<{ error: RedubErrorData }>(h, 'POST', '/jobs', jobRequest({ audio: { dub: tone } }));
    expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: { ...h.auth, 'Content-Type': 'application/json' }, body: JSON.stringify(jobRequest({ audio: { dub: tone } })) }), 400, 'E_BAD_REQUEST');
    expect(dub.json.error.details!.join('\n')).toMatch(/audio\.dub: .*dubbed track/);
    expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: { ...h.auth, 'Content-Type': 'application/json' }, body: JSON.stringify(jobRequest({ audio: { narrator: writeNotAudio(temporary()) } })) }), 422, 'E_AUDIO_INVALID');
    const missing = await call<{ error: RedubErrorData }>(h, 'POST', '/jobs', jobRequest({ lipsync: { segments: [segment('a', 0, 1000)] } }));
    expect(missing.status, missing.text).toBe(409);
    expect(missing.json.error.code).toBe('E_MODEL_MISSING');
    expect(missing.json.error.action).toContain(`redub models install ${lipSyncPacks.detector.id}`);
    expect(missing.json.error.action).toContain(`redub models install ${lipSyncPacks.model.id}`);
    expect(h.service.core.store.jobs.count({})).toBe(0);
  });

  it('takes several audio files in a multipart upload and answers with the refId each got', async () => {
    const h = await open();
    const dir = temporary();
    const narrator = await makeTone(dir, { name: 'narrator.wav', seconds: 1, sampleRate: 16_000 });
    const take = await makeTone(dir, { name: 'take.wav', seconds: 2, sampleRate: 16_000 });
    const segments = [segment('intro', 1000, 2000, 'narrator', { fit: false }), segment('second', 3000, 5000, 'Take-2-final', { fit: false })];
    const form = multipartBody([
      { name: 'to', content: 'es' },
      { name: 'lipsync', content: JSON.stringify({ segments }) },
      { name: 'subtitles', fileName: 'sample.en.srt', content: readFileSync(bundledSample.sourceSubtitles) },
      { name: 'translation.es', fileName: 'sample.es.srt', content: readFileSync(bundledSample.targetSubtitles) },
      { name: 'audio.narrator', fileName: 'narrator.wav', content: readFileSync(narrator), type: 'audio/wav' },
      { name: 'audio', fileName: 'Take 2 (final).wav', content: readFileSync(take), type: 'audio/wav' },
      { name: 'video', fileName: 'talk.mp4', content: readFileSync(bundledSample.video), type: 'video/mp4' },
    ]);
    const created = await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: { ...h.auth, ...form.headers }, body: form.body });
    expect(created.status, created.text).toBe(201);
    const reply = created.json<{ jobs: JobSummary[]; audio: AudioRefSummary[] }>();
    expect(reply.audio).toEqual([
      // The name is the file's as kept in the upload folder, made safe.
      { id: 'Take-2-final', durationMs: 2000, name: 'Take 2 _final_.wav' },
      { id: 'narrator', durationMs: 1000, name: 'narrator.wav' },
    ]);
    const job = (await call<JobDetails>(h, 'GET', `/jobs/${reply.jobs[0]!.id}`)).json;
    expect(job.lipsync.segments).toEqual(segments);
    // Each file lies in the upload's own folder, which goes with the job.
    for (const ref of h.service.core.store.lipSync.audio(job.id)) expect(path.relative(path.join(h.dataDir, 'uploads'), ref.path)).not.toMatch(/^\.\./);

    // A part's refId is checked as the JSON's is, and a bad upload leaves nothing behind.
    const bad = multipartBody([{ name: 'to', content: 'es' }, { name: 'audio.dub', fileName: 'a.wav', content: readFileSync(narrator) }, { name: 'video', fileName: 'talk.mp4', content: readFileSync(bundledSample.video) }]);
    expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: { ...h.auth, ...bad.headers }, body: bad.body }), 400, 'E_BAD_REQUEST');
  });

  it('replaces a done job\'s segments with PUT /jobs/{id}/lipsync and queues it again; a bad body changes nothing', async () => {
    const h = await open();
    const narrator = await makeTone(temporary(), { name: 'narrator.wav', seconds: 1, sampleRate: 16_000 });
    const created = await call<{ jobs: JobSummary[] }>(h, 'POST', '/jobs', jobRequest({ lipsync: { segments: [segment('intro', 1000, 2000)] }, audio: { narrator } }));
    const id = created.json.jobs[0]!.id;
    finish(h, id);
    expect((await call<JobDetails>(h, 'GET', `/jobs/${id}`)).json.state).toBe('done');

    const segments = [segment('intro', 500, 1500, 'narrator', { fit: false }), segment('late', 12_000, 13_000)];
    const replaced = await call<JobDetails>(h, 'PUT', `/jobs/${id}/lipsync`, { segments });
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.json).toMatchObject({ id, state: 'queued', lipsync: { segments, maxSegments: 5 } });

    // A body that breaks the rules is a 422 naming them; one of the wrong shape a 400. Neither changes anything.
    const broken = await call<{ error: RedubErrorData }>(h, 'PUT', `/jobs/${id}/lipsync`, { segments: [segment('x', 14_000, 20_000), segment('y', 0, 500, 'narrator', { cropStartMs: 900, cropEndMs: 1200 })] });
    expect(violationsOf(broken)).toEqual(['x:inside-video', 'y:crop-inside-audio']);
    expectApiError(await send(h.port, { method: 'PUT', path: `/api/v1/jobs/${id}/lipsync`, headers: { ...h.auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ segments: [{ id: 'z', startMs: -1 }] }) }), 400, 'E_BAD_REQUEST');
    expectApiError(await send(h.port, { method: 'PUT', path: `/api/v1/jobs/${id}/lipsync`, headers: { ...h.auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ segments, extra: 1 }) }), 400, 'E_BAD_REQUEST');
    expect((await call<JobDetails>(h, 'GET', `/jobs/${id}`)).json.lipsync.segments).toEqual(segments);

    // [] removes them (no packs needed for none); a running job is refused.
    expect((await call<JobDetails>(h, 'PUT', `/jobs/${id}/lipsync`, { segments: [] })).json.lipsync.segments).toEqual([]);
    finish(h, id, false);
    expectApiError(await send(h.port, { method: 'PUT', path: `/api/v1/jobs/${id}/lipsync`, headers: { ...h.auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ segments }) }), 409, 'E_JOB_STATE');
    expectApiError(await send(h.port, { method: 'PUT', path: '/api/v1/jobs/3f2b8c1e-8f4a-4a5e-9b1c-2d3e4f5a6b7c/lipsync', headers: { ...h.auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ segments }) }), 404, 'E_JOB_NOT_FOUND');
  });

  it('serves an added audio file with byte ranges, and refuses a refId the job does not have', async () => {
    const h = await open();
    const narrator = await makeTone(temporary(), { name: 'narrator.wav', seconds: 1, sampleRate: 16_000 });
    const bytes = readFileSync(narrator);
    const created = await call<{ jobs: JobSummary[] }>(h, 'POST', '/jobs', jobRequest({ audio: { narrator } }));
    const id = created.json.jobs[0]!.id;

    const whole = await send(h.port, { path: `/api/v1/jobs/${id}/audio/narrator`, headers: h.auth });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-type']).toBe('audio/wav');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.body.equals(bytes)).toBe(true);
    const part = await send(h.port, { path: `/api/v1/jobs/${id}/audio/narrator`, headers: { ...h.auth, Range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${bytes.length}`);
    expect(part.body.equals(bytes.subarray(100, 200))).toBe(true);
    // A <audio src> or waveform fetch sends no header: ?token= stands in.
    expect((await send(h.port, { path: `/api/v1/jobs/${id}/audio/narrator?token=${encodeURIComponent(h.token)}` })).status).toBe(200);
    expect((await send(h.port, { path: `/api/v1/jobs/${id}/audio/narrator`, headers: { ...h.auth, Range: `bytes=${bytes.length + 10}-` } })).status).toBe(416);

    expectApiError(await send(h.port, { path: `/api/v1/jobs/${id}/audio/stranger`, headers: h.auth }), 400, 'E_BAD_REQUEST');
    expectApiError(await send(h.port, { path: `/api/v1/jobs/${id}/audio/dub`, headers: h.auth }), 400, 'E_BAD_REQUEST');
    expectApiError(await send(h.port, { path: `/api/v1/jobs/${id}/audio/narrator` }), 401, 'E_UNAUTHORIZED');
  });

  it('holds every path to the maxLipSyncSegments setting: JSON, multipart and PUT', async () => {
    const h = await open();
    expect((await call(h, 'PATCH', '/settings', { maxLipSyncSegments: 2 })).json).toMatchObject({ maxLipSyncSegments: 2 });
    expectApiError(await send(h.port, { method: 'PATCH', path: '/api/v1/settings', headers: { ...h.auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ maxLipSyncSegments: 101 }) }), 400, 'E_BAD_REQUEST');
    const three = [segment('a', 0, 500), segment('b', 1000, 1500), segment('c', 2000, 2500)];

    expect(violationsOf(await call(h, 'POST', '/jobs', jobRequest({ lipsync: { segments: three } })))).toEqual(['c:segment-limit']);
    const form = multipartBody([
      { name: 'to', content: 'es' },
      { name: 'lipsync', content: JSON.stringify({ segments: three }) },
      { name: 'translation.es', fileName: 'sample.es.srt', content: readFileSync(bundledSample.targetSubtitles) },
      { name: 'video', fileName: 'talk.mp4', content: readFileSync(bundledSample.video) },
    ]);
    const uploaded = await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: { ...h.auth, ...form.headers }, body: form.body });
    expect(violationsOf({ status: uploaded.status, json: uploaded.json(), text: uploaded.text })).toEqual(['c:segment-limit']);

    const created = await call<{ jobs: JobSummary[] }>(h, 'POST', '/jobs', jobRequest({ lipsync: { segments: three.slice(0, 2) } }));
    expect(created.status, created.text).toBe(201);
    const id = created.json.jobs[0]!.id;
    expect((await call<JobDetails>(h, 'GET', `/jobs/${id}`)).json.lipsync.maxSegments).toBe(2);
    expect(violationsOf(await call(h, 'PUT', `/jobs/${id}/lipsync`, { segments: three }))).toEqual(['c:segment-limit']);
  });
});
