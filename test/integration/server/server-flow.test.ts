// The local API end to end with real worker processes: dub the bundled sample through POST /jobs
// while the event stream reports each state, download the dub with a Range request, preview both
// tracks, cancel and retry a second job, upload a video as a form, and read /metrics.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSummary } from '../../../src-main/shared/jobs.js';
import { workerEntryPath } from '../../../src-main/core/package-root.js';
import { dubStageNames } from '../../../src-main/core/pipeline/stage-registry.js';
import { bundledSample } from '../../helpers/cli.js';
import { expectApiError, multipartBody, openEvents, send, startHarness, statesOf, type EventStream, type Harness } from './server-harness.js';

describe('local API, end to end on the bundled sample', () => {
  let root: string;
  let harness: Harness;
  let stream: EventStream;
  let firstJob: JobSummary;
  const json = () => ({ ...harness.auth, 'Content-Type': 'application/json' });
  const sampleRequest = (outDir: string) => JSON.stringify({
    input: bundledSample.video, to: ['es'], subtitles: bundledSample.sourceSubtitles, translations: { es: bundledSample.targetSubtitles }, outDir,
  });
  const stateOf = async (id: string) => (await send(harness.port, { path: `/api/v1/jobs/${id}`, headers: harness.auth })).json<JobSummary>().state;

  beforeAll(async () => {
    expect(existsSync(workerEntryPath()), 'The worker bundle is missing; run `npm run build:node` first.').toBe(true);
    root = mkdtempSync(path.join(tmpdir(), 'redub-server-flow-'));
    harness = await startHarness(root);
    stream = await openEvents(harness.port, `/api/v1/events?token=${harness.token}`);
  });

  afterAll(async () => {
    stream?.close();
    await harness?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('dubs a job created with POST /jobs, and the event stream shows queued → running → done', async () => {
    const created = await send(harness.port, { method: 'POST', path: '/api/v1/jobs', headers: json(), body: sampleRequest(path.join(root, 'out')) });
    expect(created.status, created.text).toBe(201);
    firstJob = created.json<{ jobs: JobSummary[] }>().jobs[0]!;
    expect(firstJob.state).toBe('queued');
    await stream.waitFor((events) => statesOf(events, firstJob.id).includes('done'));
    expect(statesOf(stream.events, firstJob.id)).toEqual(['queued', 'running', 'done']);
    expect(stream.events.some((event) => event.type === 'job.log' && event.jobId === firstJob.id)).toBe(true);
    expect(stream.events.some((event) => event.type === 'queue.updated')).toBe(true);
    const details = (await send(harness.port, { path: `/api/v1/jobs/${firstJob.id}`, headers: harness.auth })).json<{ state: string; stages: { name: string }[]; cuesSynthesized: number }>();
    expect(details).toMatchObject({ state: 'done', cuesSynthesized: 4 });
    expect(details.stages.map((stage) => stage.name)).toEqual(dubStageNames);
    const logs = (await send(harness.port, { path: `/api/v1/jobs/${firstJob.id}/logs?afterId=1`, headers: harness.auth })).json<{ logs: { id: number; message: string }[] }>().logs;
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((line) => line.id > 1)).toBe(true);
    expect(logs.at(-1)!.message).toBe('Done.');
  });

  it('downloads the dub as an attachment, whole or by range', async () => {
    const file = readFileSync(path.join(root, 'out', 'sample.es.mp4'));
    const whole = await send(harness.port, { path: `/api/v1/jobs/${firstJob.id}/download`, headers: harness.auth });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.headers['content-disposition']).toMatch(/^attachment; filename="sample\.es\.mp4"/);
    expect(whole.headers['content-length']).toBe(String(file.length));
    expect(whole.body.equals(file)).toBe(true);

    const part = await send(harness.port, { path: `/api/v1/jobs/${firstJob.id}/download`, headers: { ...harness.auth, Range: 'bytes=100-1123' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-1123/${file.length}`);
    expect(part.headers['content-length']).toBe('1024');
    expect(part.headers['accept-ranges']).toBe('bytes');
    expect(part.body.equals(file.subarray(100, 1124))).toBe(true);

    const tail = await send(harness.port, { path: `/api/v1/jobs/${firstJob.id}/download?token=${harness.token}`, headers: { Range: 'bytes=-10' } });
    expect(tail.body.equals(file.subarray(file.length - 10))).toBe(true);
    const beyond = await send(harness.port, { path: `/api/v1/jobs/${firstJob.id}/download`, headers: { ...harness.auth, Range: `bytes=${file.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${file.length}`);
  });

  it('gives preview URLs for the original, the dub and its mix that play inline with ?token=', async () => {
    const preview = (await send(harness.port, { path: `/api/v1/jobs/${firstJob.id}/preview`, headers: harness.auth })).json<{ original: string; dub: string; mix: string }>();
    expect(preview).toEqual({ original: `/api/v1/jobs/${firstJob.id}/media/original`, dub: `/api/v1/jobs/${firstJob.id}/media/dub`, mix: `/api/v1/jobs/${firstJob.id}/media/mix`, audio: {} });
    const original = await send(harness.port, { path: `${preview.original}?token=${harness.token}`, headers: { Range: 'bytes=0-99' } });
    expect(original.status).toBe(206);
    expect(original.body.equals(readFileSync(bundledSample.video).subarray(0, 100))).toBe(true);
    const dub = await send(harness.port, { path: `${preview.dub}?token=${harness.token}` });
    expect(dub.status).toBe(200);
    expect(dub.headers['content-disposition']).toMatch(/^inline;/);
    expect(dub.body.equals(readFileSync(path.join(root, 'out', 'sample.es.mp4')))).toBe(true);
    const mix = await send(harness.port, { path: `${preview.mix}?token=${harness.token}`, headers: { Range: 'bytes=0-11' } });
    expect(mix.status).toBe(206);
    expect(mix.headers['content-type']).toMatch(/^audio\//);
    expect(mix.body.subarray(0, 4).toString('latin1')).toBe('RIFF');
  });

  it('cancels and retries a second job through the API, then deletes it', async () => {
    const paused = await send(harness.port, { method: 'PUT', path: '/api/v1/queue', headers: json(), body: '{"paused":true}' });
    expect(paused.json()).toMatchObject({ paused: true });
    const created = await send(harness.port, { method: 'POST', path: '/api/v1/jobs', headers: json(), body: sampleRequest(path.join(root, 'out-2')) });
    const second = created.json<{ jobs: JobSummary[] }>().jobs[0]!;
    expect(second.id).not.toBe(firstJob.id);
    expect((await send(harness.port, { path: '/api/v1/queue', headers: harness.auth })).json()).toMatchObject({ paused: true, depth: 1, counts: { queued: 1, done: 1 } });

    const cancelled = await send(harness.port, { method: 'DELETE', path: `/api/v1/jobs/${second.id}`, headers: harness.auth });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json<JobSummary>()).toMatchObject({ id: second.id, state: 'cancelled', error: { code: 'E_CANCELLED' } });
    const listed = (await send(harness.port, { path: '/api/v1/jobs?state=cancelled,failed&limit=10', headers: harness.auth })).json<{ total: number; jobs: JobSummary[] }>();
    expect(listed).toMatchObject({ total: 1, jobs: [{ id: second.id }] });

    const retried = await send(harness.port, { method: 'POST', path: `/api/v1/jobs/${second.id}/retry`, headers: harness.auth });
    expect(retried.json<JobSummary>().state).toBe('queued');
    await send(harness.port, { method: 'PUT', path: '/api/v1/queue', headers: json(), body: '{"paused":false}' });
    await stream.waitFor((events) => statesOf(events, second.id).includes('done'));
    expect(statesOf(stream.events, second.id)).toEqual(['queued', 'cancelled', 'queued', 'running', 'done']);

    const deleted = await send(harness.port, { method: 'DELETE', path: `/api/v1/jobs/${second.id}?purge=1`, headers: harness.auth });
    expect(deleted.json()).toEqual({ id: second.id, deleted: true });
    await stream.waitFor((events) => events.some((event) => event.type === 'job.removed' && event.id === second.id));
    expectApiError(await send(harness.port, { path: `/api/v1/jobs/${second.id}`, headers: harness.auth }), 404, 'E_JOB_NOT_FOUND');
  });

  it('dubs a video uploaded as multipart/form-data, with its outputs beside the upload', async () => {
    const form = multipartBody([
      { name: 'to', content: 'es' },
      { name: 'video', fileName: 'uploaded talk.mp4', content: readFileSync(bundledSample.video), type: 'video/mp4' },
      { name: 'subtitles', fileName: 'sample.en.srt', content: readFileSync(bundledSample.sourceSubtitles) },
      { name: 'translation.es', fileName: 'sample.es.srt', content: readFileSync(bundledSample.targetSubtitles) },
    ]);
    const created = await send(harness.port, { method: 'POST', path: '/api/v1/jobs', headers: { ...harness.auth, ...form.headers }, body: form.body });
    expect(created.status, created.text).toBe(201);
    const job = created.json<{ jobs: JobSummary[] }>().jobs[0]!;
    expect(path.dirname(path.dirname(job.input))).toBe(path.join(harness.dataDir, 'uploads'));
    await stream.waitFor((events) => statesOf(events, job.id).includes('done'));
    expect(await stateOf(job.id)).toBe('done');
    const download = await send(harness.port, { path: `/api/v1/jobs/${job.id}/download`, headers: harness.auth });
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toContain('uploaded talk.es.mp4');
  });

  it('updates settings for later jobs', async () => {
    const patched = await send(harness.port, { method: 'PATCH', path: '/api/v1/settings', headers: json(), body: '{"maxSpeed":1.25,"theme":"dark"}' });
    expect(patched.json()).toMatchObject({ maxSpeed: 1.25, theme: 'dark', executionProvider: 'auto', maxInputMb: 2048 });
    expect((await send(harness.port, { path: '/api/v1/settings', headers: harness.auth })).json()).toMatchObject({ maxSpeed: 1.25, theme: 'dark' });
  });

  it('reports jobs per state, the queue depth and stage timings on /metrics', async () => {
    const reply = await send(harness.port, { path: '/metrics', headers: harness.auth });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    const families = parsePrometheusTextFormat(reply.text);
    const byName = new Map(families.map((family) => [family.name, family]));
    expect(families.every((family) => family.name.startsWith('redub_'))).toBe(true);
    const jobs = byName.get('redub_jobs')!;
    expect(jobs.type).toBe('GAUGE');
    const perState = Object.fromEntries(jobs.metrics.map((metric) => [metric.labels?.state, Number(metric.value)]));
    expect(perState).toEqual({ queued: 0, running: 0, retry_wait: 0, done: 2, failed: 0, cancelled: 0 });
    expect(byName.get('redub_queue_depth')!.metrics[0]!.value).toBe('0');
    const stages = byName.get('redub_stage_duration_seconds')!;
    expect(stages.type).toBe('HISTOGRAM');
    expect(Object.keys(stages.metrics[0]!.buckets ?? {})).toContain('+Inf');
    // The parser folds a histogram's label sets into one, so the stage labels are read from the text.
    const timed = new Set([...reply.text.matchAll(/^redub_stage_duration_seconds_count\{stage="([\w-]+)",reused="false"\} [1-9]/gm)].map((match) => match[1]));
    // Every stage but those this job skips: the download (a local file), lip-sync (no segments
    // marked), separation and speakers (no such packs installed); the probe is reused, kept from
    // the probe made before the job was queued.
    const skipped = new Set(['download', 'lipsync-audio', 'lipsync', 'separate', 'diarize', 'background-waveform']);
    expect(timed).toEqual(new Set(dubStageNames.filter((name) => !skipped.has(name) && name !== 'probe')));
    expect(reply.text).toMatch(/^redub_stage_duration_seconds_count\{stage="probe",reused="true"\} [1-9]/m);
    expect((await send(harness.port, { path: '/api/v1/metrics', headers: harness.auth })).status).toBe(200);
  });
});
