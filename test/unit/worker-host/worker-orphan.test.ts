import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRunning } from '../../../src-main/core/worker-host/process-tree.js';
import { repositoryRoot } from '../../helpers/cli.js';

const workerBundle = path.join(repositoryRoot, 'out', 'node', 'worker.js');

describe('a worker whose host is gone', () => {
  // The host (a command killed with -9 just after it forked its worker) went away while the worker
  // was still loading its modules: 'disconnect' came before anyone listened, and the worker lived
  // on for good, beating for no one.
  it.skipIf(!existsSync(workerBundle) || process.platform === 'win32')('exits even when the host went away before it had loaded (run `npm run build:node` first)', async () => {
    const child = fork(workerBundle, ['--redub-data-dir=/nonexistent'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], detached: true, env: { ...process.env, REDUB_PRELOAD_ENGINES: '' } });
    const pid = child.pid!;
    try {
      child.disconnect();
      const exited = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      expect(exited).toBe(true);
    } finally {
      if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
