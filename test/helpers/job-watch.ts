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
