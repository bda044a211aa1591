// Watching jobs and processes from outside, the way another process would: the store through a
// connection of its own, worker processes through the process table.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { openDatabase } from '../../src-main/core/store/database.js';
import { Store } from '../../src-main/core/store/store.js';
import { isRunning } from '../../src-main/core/worker-host/process-tree.js';
import { dubStageNames } from '../../src-main/core/pipeline/stage-registry.js';

export { isRunning };

/** Reads the store the way another process would, closing the connection afterwards. */
export function withStore<T>(dataDir: string, read: (store: Store) => T): T {
  const database = openDatabase(path.join(dataDir, 'redub.db'));
  try {
    return read(new Store(database));
  } finally {
    database.close();
  }
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. A throw counts as "not yet". */
export async function waitFor<T>(what: string, check: () => T | null | undefined | false, timeoutMs = 60_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = check();
      if (value) return value;
    } catch {
      // The database may not exist yet.
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The worker processes started for a data folder (they carry it on their command line). */
export function workerProcesses(dataDir: string): number[] {
  return pgrep(['-f', '--', `--redub-data-dir=${dataDir}`]);
}

/** The children of `pid` whose program is `name` (ffmpeg). */
export function childProcesses(pid: number, name: string): number[] {
  return pgrep(['-P', String(pid), '-x', name]);
}

function pgrep(args: string[]): number[] {
  try {
    return execFileSync('pgrep', args, { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number).filter(isRunning);
  } catch {
    return [];
  }
}

/** The id of the running job whose `stage` is running, or null. */
export function runningStage(dataDir: string, stage: string): string | null {
  return withStore(dataDir, (store) => {
    const job = store.jobs.list({ states: ['running'] })[0];
    return job && store.stages.list(job.id, dubStageNames).some((record) => record.name === stage && record.state === 'running') ? job.id : null;
  });
}

/** The pid of the worker the job log names for the latest attempt of `stage`, or null. */
export function stageWorkerPid(dataDir: string, jobId: string, stage: string): number | null {
  return withStore(dataDir, (store) => {
    const lines = store.logs.page(jobId, {}).filter((line) => line.stage === stage && /started on worker \d+/.test(line.message));
    const last = lines.at(-1);
    return last ? Number(/worker (\d+)/.exec(last.message)![1]) : null;
  });
}

/**
 * Waits for `stage` to run in `dataDir`'s job (and, with `waitForFfmpeg`, for its worker's ffmpeg),
 * kills that worker with SIGKILL, and checks the worker and its ffmpeg are gone within 2 s.
 * Returns the job's id.
 */
export async function killStageWorker(dataDir: string, stage: string, waitForFfmpeg: boolean): Promise<string> {
  const jobId = await waitFor(`the ${stage} stage to start`, () => runningStage(dataDir, stage), 120_000, 10);
  const worker = await waitFor(`the ${stage} worker's pid`, () => stageWorkerPid(dataDir, jobId, stage), 10_000, 10);
  // For an ffmpeg stage, wait until ffmpeg itself runs: that child is what must not survive.
  const helpers = waitForFfmpeg ? await waitFor(`${stage}'s ffmpeg`, () => (childProcesses(worker, 'ffmpeg').length > 0 ? childProcesses(worker, 'ffmpeg') : null), 10_000, 5) : childProcesses(worker, 'ffmpeg');
  process.kill(worker, 'SIGKILL');
  const killedAt = Date.now();
  await waitFor('the killed attempt\'s processes to be gone', () => [worker, ...helpers].every((pid) => !isRunning(pid)), 5_000, 20);
  const tookMs = Date.now() - killedAt;
  if (tookMs >= 2_000) throw new Error(`The killed ${stage} attempt's processes took ${tookMs} ms to go (at most 2 s).`);
  return jobId;
}
