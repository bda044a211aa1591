// One front door: deleting a running job through the local API, the command line and the desktop
// app's IPC gives the same outcome — the answer {id, deleted: true}, no job left, the worker that
// was running it stopped, nothing half-written left in the output folder or the cache.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedubService } from '../../../src-main/core/service/redub-service.js';
import { createInvokeHandler } from '../../../src-main/electron/ipc-handler.js';
import { parseJson, runRedub, type DubInputs } from '../../helpers/cli.js';
import { isRunning, runningStage, stageWorkerPid, waitFor, withStore } from '../../helpers/job-watch.js';
import { startServe } from '../../helpers/serve-process.js';
import { generateSpokenVideo, sampleLines } from '../../fixtures/spoken-video.js';

const root = mkdtempSync(path.join(tmpdir(), 'redub-delete-'));
let inputs: DubInputs;

function request(outDir: string) {
  return { input: inputs.video, to: ['es'], subtitles: inputs.sourceSubtitles, translations: { es: inputs.targetSubtitles }, outDir };
}

/** What every transport must leave behind once it answered. */
async function expectDeleted(answer: unknown, dataDir: string, jobId: string, worker: number, outDir: string): Promise<void> {
  expect(answer).toEqual({ id: jobId, deleted: true });
  expect(withStore(dataDir, (store) => store.jobs.get(jobId))).toBeNull();
  await waitFor('the job\'s worker to stop', () => !isRunning(worker), 5_000);
  await waitFor('the cache\'s temporary folders to be cleared', () => readdirSync(path.join(dataDir, 'artifacts', 'tmp')).length === 0, 5_000);
  const leftovers = readdirSync(outDir).filter((name) => name.endsWith('.partial') || name.endsWith('.mp4'));
  expect(leftovers).toEqual([]);
}

async function runningJob(dataDir: string): Promise<{ jobId: string; worker: number }> {
  const jobId = await waitFor('synthesis to start', () => runningStage(dataDir, 'synthesize'), 120_000, 20);
  const worker = await waitFor('its worker', () => stageWorkerPid(dataDir, jobId, 'synthesize'), 10_000, 20);
  return { jobId, worker };
}

describe('deleting a running job', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    const video = await generateSpokenVideo({ dir: path.join(root, 'fixture'), name: 'talk', lines: sampleLines, minimumDurationMs: 120_000, numberLines: true });
    inputs = { video: video.video, sourceSubtitles: video.sourceSubtitles, targetSubtitles: video.targetSubtitles };
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('through the local API', async () => {
    const dataDir = path.join(root, 'api-data');
    const outDir = path.join(root, 'api-out');
    const server = await startServe(dataDir);
    try {
      expect((await server.api('POST', 'jobs', request(outDir))).status).toBe(201);
      const { jobId, worker } = await runningJob(dataDir);
      const reply = await server.api('DELETE', `jobs/${jobId}?purge=1`);
      expect(reply.status).toBe(200);
      await expectDeleted(reply.json, dataDir, jobId, worker, outDir);
    } finally {
      await server.stop();
    }
  });

  it('through the command line, while another process runs the job', async () => {
    const dataDir = path.join(root, 'cli-data');
    const outDir = path.join(root, 'cli-out');
    const server = await startServe(dataDir);
    try {
      expect((await server.api('POST', 'jobs', request(outDir))).status).toBe(201);
      const { jobId, worker } = await runningJob(dataDir);
      const result = await runRedub(['jobs', 'delete', jobId.slice(0, 8), '--data-dir', dataDir, '--json']);
      expect(result.code, result.stderr).toBe(0);
      await expectDeleted(parseJson(result), dataDir, jobId, worker, outDir);
    } finally {
      await server.stop();
    }
  });

  it('through the desktop app\'s IPC handler', async () => {
    const dataDir = path.join(root, 'ipc-data');
    const outDir = path.join(root, 'ipc-out');
    const service = new RedubService({ dataDir, cpuWorkers: 1 });
    try {
      await service.createJobs(request(outDir));
      const { jobId, worker } = await runningJob(dataDir);
      const invoke = createInvokeHandler(service, { trustedOrigins: ['app://redub'], windowWebContentsId: () => 1 });
      const reply = await invoke({ webContentsId: 1, frameUrl: 'app://redub/index.html' }, { method: 'deleteJob', args: [jobId] });
      expect(reply.ok).toBe(true);
      await expectDeleted(reply.ok ? reply.value : reply.error, dataDir, jobId, worker, outDir);
    } finally {
      await service.close();
    }
  });
});
