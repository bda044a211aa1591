// RedubService over a real store and the bundled sample, with worker processes that take a task
// and never answer: arguments are checked against the contract, calls map onto the store, media
// paths come from the job alone, settings apply to later jobs, and delete works on a running job.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreateJobsRequest, RedubEvent } from '../../../src-main/shared/contract.js';
import { RedubService } from '../../../src-main/core/service/redub-service.js';
import { importPack } from '../../../src-main/core/models/import.js';
import { tinyPackIds, writeTinyPacks } from '../../fixtures/models/tiny-packs.js';
import { bundledSample } from '../../helpers/cli.js';
import { rejectionOf } from '../../helpers/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { StalledHost, until } from './stalled-worker-host.js';

describe('RedubService', () => {
  const temporary = useTemporaryDirectory();
  let service: RedubService | null = null;

  afterEach(async () => {
    await service?.close();
    service = null;
  });

  function open() {
    const host = new StalledHost();
    service = new RedubService({ dataDir: path.join(temporary(), 'data'), mediaUrl: (id, track) => `media://${id}/${track}`, workerHost: host, cpuWorkers: 1, pollMs: 20 });
    return { service, host };
  }

  function sampleRequest(overrides: Partial<CreateJobsRequest> = {}): CreateJobsRequest {
    return {
      input: bundledSample.video,
      to: ['es'],
      subtitles: bundledSample.sourceSubtitles,
      translations: { es: bundledSample.targetSubtitles },
      outDir: path.join(temporary(), 'out'),
      ...overrides,
    };
  }

  it('refuses arguments the contract does not allow with E_BAD_REQUEST naming each field', async () => {
    const { service } = open();
    const empty = await rejectionOf(service.createJobs({} as CreateJobsRequest));
    expect(empty.code).toBe('E_BAD_REQUEST');
    expect(empty.details.join('\n')).toMatch(/^input: /m);
    expect(empty.details.join('\n')).toMatch(/^to: /m);
    expect((await rejectionOf(service.getJob('not-a-uuid'))).details).toEqual([expect.stringMatching(/^id: A job id is a UUID/)]);
    expect((await rejectionOf(service.listJobs({ limit: 0 }))).details).toEqual([expect.stringMatching(/^limit: /)]);
    expect((await rejectionOf(service.getLogs(randomUUID(), { afterId: -1 }))).code).toBe('E_BAD_REQUEST');
    expect((await rejectionOf(service.setQueuePaused('yes' as unknown as boolean))).details).toEqual([expect.stringMatching(/^paused: /)]);
    expect((await rejectionOf(service.updateSettings({ maxSpeed: 5 }))).details).toEqual([expect.stringMatching(/^maxSpeed: /)]);
  });

  it('answers E_JOB_NOT_FOUND for a well-formed id that names no job', async () => {
    const { service } = open();
    const id = randomUUID();
    for (const call of [service.getJob(id), service.getLogs(id), service.cancelJob(id), service.retryJob(id), service.deleteJob(id), service.previewSources(id)]) {
      expect((await rejectionOf(call)).code).toBe('E_JOB_NOT_FOUND');
    }
    expect(() => service.mediaLocation(id, 'original')).toThrow(expect.objectContaining({ code: 'E_JOB_NOT_FOUND' }));
  });

  it('creates a job, runs it on the one scheduler, and serves its original but not yet its dub', async () => {
    const { service, host } = open();
    const { jobs } = await service.createJobs(sampleRequest());
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    expect(job).toMatchObject({ state: 'queued', language: 'es', input: bundledSample.video });
    await until(() => host.busy);
    expect((await service.getJob(job!.id)).state).toBe('running');
    expect(await service.previewSources(job!.id)).toEqual({ original: `media://${job!.id}/original`, dub: null, mix: null, audio: {} });
    expect(service.mediaLocation(job!.id, 'original')).toEqual({ file: bundledSample.video, folder: path.dirname(bundledSample.video) });
    expect(() => service.mediaLocation(job!.id, 'dub')).toThrow(expect.objectContaining({ code: 'E_NOT_READY' }));
    // The same request finds the same job rather than queuing a second one.
    expect((await service.createJobs(sampleRequest())).jobs[0]!.id).toBe(job!.id);
    const listed = await service.listJobs({ states: ['running'], search: 'SAMPLE.mp4' });
    expect(listed).toMatchObject({ total: 1, jobs: [{ id: job!.id }] });
    expect((await service.listJobs({ states: ['done'] })).total).toBe(0);
  });

  it('applies settings to jobs created after the change', async () => {
    const { service } = open();
    await service.setQueuePaused(true);
    const before = (await service.createJobs(sampleRequest())).jobs[0]!;
    const settings = await service.updateSettings({ maxSpeed: 1.2, maxInputMb: 100 });
    expect(settings).toMatchObject({ maxSpeed: 1.2, maxInputMb: 100, theme: 'system' });
    expect(await service.getSettings()).toEqual(settings);
    const after = (await service.createJobs(sampleRequest({ outDir: path.join(temporary(), 'out2') }))).jobs[0]!;
    const optionsOf = (id: string) => service.core.store.jobs.get(id)!.options as { maxSpeed: number; limits: { maxBytes: number } };
    expect(optionsOf(before.id).maxSpeed).toBe(1.35);
    expect(optionsOf(after.id)).toMatchObject({ maxSpeed: 1.2, limits: { maxBytes: 100 * 1024 * 1024 } });
  });

  it('gives machine-translated jobs the settings\' glossary, the request\'s terms winning', async () => {
    const { service } = open();
    await service.setQueuePaused(true);
    // A Marian pack for en→es, so the job is machine-translated from the subtitles.
    const { packs } = writeTinyPacks(path.join(temporary(), 'packs'), 'https://example.invalid');
    const marian = packs.find((pack) => pack.id === tinyPackIds.marian)!;
    await importPack(marian, path.join(temporary(), 'packs', marian.id), path.join(temporary(), 'data'));
    await service.updateSettings({ glossary: 'sword = espada\nRedub = Redub' });
    const request = sampleRequest({ from: 'en', translations: undefined, glossary: [{ source: 'SWORD', target: 'sable' }] });
    const job = (await service.createJobs(request)).jobs[0]!;
    const options = service.core.store.jobs.get(job.id)!.options as { glossary?: { source: string; target: string }[]; translators?: { packId: string }[] };
    expect(options.translators?.map((choice) => choice.packId)).toEqual([tinyPackIds.marian]);
    expect(options.glossary).toEqual([
      { source: 'SWORD', target: 'sable' },
      { source: 'Redub', target: 'Redub' },
    ]);
  });

  it('runs as many jobs at once as the cpuWorkers setting says, from the next start', async () => {
    const first = open();
    await first.service.updateSettings({ cpuWorkers: 2 });
    await first.service.close();
    const host = new StalledHost();
    service = new RedubService({ dataDir: path.join(temporary(), 'data'), mediaUrl: () => '', workerHost: host, pollMs: 20 });
    for (const name of ['a', 'b', 'c']) await service.createJobs(sampleRequest({ outDir: path.join(temporary(), name) }));
    // A job may have several stages in flight (the subtitle import beside the probe), so count jobs, not busy workers.
    let running = 0;
    for (const deadline = Date.now() + 10_000; running < 2 && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
      running = (await service.queueStatus()).counts.running;
    }
    expect(running).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await service.queueStatus()).counts.running).toBe(2);
  });

  it('pauses the queue, cancels and retries a job', async () => {
    const { service } = open();
    expect((await service.setQueuePaused(true)).paused).toBe(true);
    const job = (await service.createJobs(sampleRequest())).jobs[0]!;
    const status = await service.queueStatus();
    expect(status).toMatchObject({ paused: true, depth: 1, counts: { queued: 1 } });
    expect((await service.cancelJob(job.id)).state).toBe('cancelled');
    expect((await service.retryJob(job.id)).state).toBe('queued');
    expect((await rejectionOf(service.retryJob(job.id))).code).toBe('E_JOB_STATE');
  });

  it('deletes a running job: cancelled, its worker stopped, then removed, with job.removed sent', async () => {
    const { service, host } = open();
    const events: RedubEvent[] = [];
    service.onEvent((event) => events.push(event));
    const job = (await service.createJobs(sampleRequest())).jobs[0]!;
    await until(() => host.busy);
    expect(await service.deleteJob(job.id)).toEqual({ id: job.id, deleted: true });
    expect(service.core.store.jobs.get(job.id)).toBeNull();
    expect(host.workers.some((worker) => worker.killed)).toBe(true);
    const states = events.flatMap((event) => (event.type === 'job.updated' && event.job.id === job.id ? [event.job.state] : []));
    expect(states).toEqual(expect.arrayContaining(['queued', 'running', 'cancelled']));
    expect(events).toContainEqual({ type: 'job.removed', id: job.id });
  });

  it('closes once, however often it is asked', async () => {
    const { service: opened } = open();
    await Promise.all([opened.close(), opened.close()]);
    service = null;
  });
});
