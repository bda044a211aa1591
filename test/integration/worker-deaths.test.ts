// Worker deaths with a reason, through real worker processes and the stage runner: a worker
// killed from outside and one that exhausts its memory read differently in the job log and in
// the stage's error, and each is retried on a fresh worker.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ArtifactCache } from '../../src-main/core/pipeline/artifact-cache.js';
import { cpuPlacement, declareStage } from '../../src-main/core/pipeline/stage.js';
import { StageRunner } from '../../src-main/core/pipeline/stage-runner.js';
import { openDatabase } from '../../src-main/core/store/database.js';
import { Store } from '../../src-main/core/store/store.js';
import { ForkWorkerHost } from '../../src-main/core/worker-host/fork-worker-host.js';
import { WorkerPool } from '../../src-main/core/worker-host/worker-pool.js';
import { rejectionOf } from '../helpers/errors.js';
import { waitFor } from '../helpers/job-watch.js';
import { useTemporaryDirectory } from '../helpers/temporary-directory.js';

const dyingWorker = path.resolve(import.meta.dirname, '..', 'fixtures', 'workers', 'dying-worker.mjs');

/** A stage that only the stand-in worker runs. */
const dyingStage = declareStage<{ behaviour: string; marker?: string }, { survived: boolean }>({
  name: 'dying', version: 1, weight: { plain: 1, neural: 1 }, consumes: [], plan: () => null, outputNeutral: {}, placement: () => cpuPlacement,
  run: () => Promise.reject(new Error('runs in the stand-in worker only')),
});

describe('worker deaths', { timeout: 60_000 }, () => {
  const temporary = useTemporaryDirectory('redub-deaths-');
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  function setup() {
    const dir = temporary();
    const store = new Store(openDatabase(path.join(dir, 'redub.db')));
    const jobId = store.jobs.enqueue({ idempotencyKey: 'k', inputPath: '/v.mp4', language: 'es', sourceLanguage: null, options: {} }).job.id;
    // A small heap, so exhausting it takes a moment.
    const pool = new WorkerPool(new ForkWorkerHost(dyingWorker, { execArgv: ['--max-old-space-size=48'] }), 1, 5000);
    closers.push(() => pool.close(), () => void store.db.close());
    const runner = new StageRunner(
      jobId,
      { stages: store.stages, logs: store.logs, artifacts: store.artifacts, cache: new ArtifactCache(path.join(dir, 'artifacts')), pools: { cpu: pool, model: pool }, holdsLease: () => true },
      new AbortController().signal,
      () => undefined,
      new Map([['dying', 100]]),
    );
    const warnings = () => store.logs.page(jobId, {}).filter((line) => line.level === 'warn').map((line) => line.message);
    return { dir, store, jobId, runner, warnings };
  }

  it('one killed with SIGKILL reads "killed", and its stage is retried on a fresh worker', async () => {
    const { dir, runner, warnings } = setup();
    const marker = path.join(dir, 'marker');
    const running = runner.run(dyingStage, { behaviour: 'wait-once', marker });
    const pid = await waitFor('the worker to take the task', () => Number(readFileSync(marker, 'utf8')) || null, 10_000);
    process.kill(pid, 'SIGKILL');
    expect((await running).result).toEqual({ survived: true });
    expect(warnings()).toEqual([expect.stringMatching(/^A worker process stopped unexpectedly\. Worker killed: the dying worker ended with signal SIGKILL\..*Retrying the stage on a fresh worker\.$/)]);
  });

  it('one that exhausts its memory reads "out of memory", in the log and in the stage error', async () => {
    const { store, jobId, runner, warnings } = setup();
    const error = await rejectionOf(runner.run(dyingStage, { behaviour: 'exhaust-memory' }));
    expect(error.code).toBe('E_WORKER_OUT_OF_MEMORY');
    expect(error.details[0]).toMatch(/^Worker out of memory: the dying worker ended with/);
    expect(warnings()).toHaveLength(2);
    for (const warning of warnings()) expect(warning).toMatch(/^A worker process ran out of memory\. Worker out of memory/);
    expect(store.stages.list(jobId, ['dying'])[0]!.error).toMatchObject({ code: 'E_WORKER_OUT_OF_MEMORY' });
  });
});
