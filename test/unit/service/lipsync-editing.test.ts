// RedubService's lip-sync calls over a real store, the queue paused: a job's plan as its details
// carry it, replacing the segments of a job in each state it can be in (checked against the video
// probed now when the job has not probed it yet), the packs asked for only when there are segments,
// and where an added audio file is served from.
import path from 'node:path';
import { realpathSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { lipSyncPacks } from '../../../src-main/core/engines/lipsync/lipsync-packs.js';
import { RedubService } from '../../../src-main/core/service/redub-service.js';
import { RedubError } from '../../../src-main/shared/errors.js';
import type { LipSyncRequest } from '../../../src-main/shared/contract.js';
import { bundledSample } from '../../helpers/cli.js';
import { rejectionOf } from '../../helpers/errors.js';
import { makeTone } from '../../helpers/media-fixtures.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { fakeLipSyncPacks, segment } from '../pipeline/lipsync-fixtures.js';
import { StalledHost } from './stalled-worker-host.js';

describe('RedubService lip-sync', () => {
  const temporary = useTemporaryDirectory('redub-lipsync-service-');
  let service: RedubService | null = null;
  afterEach(async () => {
    await service?.close();
    service = null;
  });

  async function open(packs = true): Promise<RedubService> {
    const dataDir = path.join(temporary(), 'data');
    if (packs) fakeLipSyncPacks(dataDir);
    service = new RedubService({ dataDir, mediaUrl: () => '', workerHost: new StalledHost(), cpuWorkers: 1, pollMs: 20 });
    await service.setQueuePaused(true);
    return service;
  }

  async function createJob(target: RedubService, extra: Record<string, unknown> = {}): Promise<string> {
    const { jobs } = await target.createJobs({
      input: bundledSample.video, to: ['es'], subtitles: bundledSample.sourceSubtitles, translations: { es: bundledSample.targetSubtitles }, outDir: path.join(temporary(), 'out'), ...extra,
    });
    return jobs[0]!.id;
  }

  /** Takes the job as a worker would (the queue unpaused for that one synchronous step). */
  function claim(target: RedubService, id: string): string {
    const { jobs } = target.core.store;
    jobs.setPaused(false);
    const claimed = jobs.claimNext('lipsync-test', 60_000, [id]);
    jobs.setPaused(true);
    return claimed!.allocationId!;
  }

  it('gives a job without lip-sync an empty plan with the setting\'s limit', async () => {
    const target = await open();
    const id = await createJob(target);
    expect((await target.getJob(id)).lipsync).toEqual({ segments: [], audio: [], maxSegments: 5 });
    await target.updateSettings({ maxLipSyncSegments: 9 });
    expect((await target.getJob(id)).lipsync.maxSegments).toBe(9);
  });

  it('replaces the segments of a queued job, checked against its video probed now, and leaves it queued', async () => {
    const target = await open();
    const id = await createJob(target);
    expect(target.core.store.jobs.media(id)).toBeNull();
    const details = await target.replaceLipSync(id, { segments: [segment('a', 0, 1000), segment('b', 2000, 2500)] });
    expect(details.state).toBe('queued');
    expect(details.lipsync.segments.map((entry) => entry.id)).toEqual(['a', 'b']);
    const error = await rejectionOf(target.replaceLipSync(id, { segments: [segment('late', 14_000, 16_000)] }));
    expect(error.code).toBe('E_LIPSYNC_INVALID');
    expect(error.violations).toEqual([expect.objectContaining({ segmentId: 'late', rule: 'inside-video' })]);
  });

  it('retries a failed job with its new segments', async () => {
    const target = await open();
    const id = await createJob(target);
    const allocation = claim(target, id);
    target.core.store.jobs.fail(id, allocation, new RedubError('E_STAGE_FAILED').toData(), { retryable: false });
    expect((await target.getJob(id)).state).toBe('failed');
    expect((await target.replaceLipSync(id, { segments: [segment('a', 0, 1000)] })).state).toBe('queued');
  });

  it('asks for the lip-sync packs only when there are segments', async () => {
    const target = await open(false);
    const id = await createJob(target);
    const error = await rejectionOf(target.replaceLipSync(id, { segments: [segment('a', 0, 1000)] }));
    expect(error.code).toBe('E_MODEL_MISSING');
    expect(error.action).toContain(`redub models install ${lipSyncPacks.model.id}`);
    expect((await target.replaceLipSync(id, { segments: [] })).lipsync.segments).toEqual([]);
  });

  it('refuses a malformed id or body as E_BAD_REQUEST naming the field', async () => {
    const target = await open();
    expect((await rejectionOf(target.replaceLipSync('nope', { segments: [] }))).details).toEqual([expect.stringMatching(/^id: /)]);
    const id = await createJob(target);
    const bad = await rejectionOf(target.replaceLipSync(id, { segments: [{ id: 'a', startMs: 0 }] } as unknown as LipSyncRequest));
    expect(bad.code).toBe('E_BAD_REQUEST');
    expect(bad.details.join('\n')).toMatch(/segments\.0\.endMs/);
  });

  it('serves added audio from where it lies, and nothing for "dub" or a refId the job lacks', async () => {
    const target = await open();
    const narrator = await makeTone(temporary(), { name: 'narrator.wav', seconds: 1 });
    const id = await createJob(target, { audio: { narrator } });
    expect(target.jobAudio(id)).toEqual([{ id: 'narrator', durationMs: 1000, name: 'narrator.wav' }]);
    const file = await target.openAudio(id, 'narrator');
    expect(file.path).toBe(realpathSync(narrator));
    await file.close();
    expect((await rejectionOf(target.openAudio(id, 'dub'))).code).toBe('E_BAD_REQUEST');
    expect((await rejectionOf(target.openAudio(id, 'stranger'))).details).toEqual([`Job ${id} has no audio "stranger"; its audio is "narrator".`]);
    expect((await rejectionOf(target.openAudio(id, '../etc'))).code).toBe('E_BAD_REQUEST');
  });
});
