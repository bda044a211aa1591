import { describe, expect, it } from 'vitest';
import type { ChildProcessEntry } from '../../../src-main/core/worker-host/child-processes.js';
import type { HostMessage, WorkerMessage } from '../../../src-main/core/worker-host/protocol.js';
import type { WorkerHost, WorkerProcess } from '../../../src-main/core/worker-host/worker-host.js';
import { WorkerPool } from '../../../src-main/core/worker-host/worker-pool.js';

/** A worker that records what it is sent and ends when killed. */
class RecordingWorker implements WorkerProcess {
  readonly sent: HostMessage[] = [];
  private readonly exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
  private exited = false;

  constructor(readonly pid: number) {}

  send(message: HostMessage): void {
    if (!this.exited) this.sent.push(message);
  }

  onMessage(_listener: (message: WorkerMessage) => void): void {}

  onExit(listener: (code: number | null, signal: string | null) => void): void {
    if (this.exited) listener(null, 'SIGKILL');
    else this.exitListeners.push(listener);
  }

  killTree(): void {
    if (this.exited) return;
    this.exited = true;
    setImmediate(() => this.exitListeners.forEach((listener) => listener(null, 'SIGKILL')));
  }

  async killRemains(_reported: readonly ChildProcessEntry[]): Promise<number[]> {
    return [];
  }

  recentErrorOutput(): string[] {
    return [];
  }
}

class RecordingHost implements WorkerHost {
  readonly spawned: RecordingWorker[] = [];

  spawn(): WorkerProcess {
    const worker = new RecordingWorker(2000 + this.spawned.length);
    this.spawned.push(worker);
    return worker;
  }
}

describe('WorkerPool.warmEngines', () => {
  it('starts a worker when none runs and names the engines to every live one', async () => {
    const host = new RecordingHost();
    const pool = new WorkerPool(host, 2);
    try {
      pool.warmEngines([{ engine: 'espeak' }]);
      expect(host.spawned).toHaveLength(1);
      expect(host.spawned[0]!.sent).toEqual([{ type: 'warm', engines: [{ engine: 'espeak' }] }]);
      // A second worker, started for a task, is named the next job's engines as well.
      void pool.run({ taskId: 't1', stage: 'extract', params: null, outDir: '/tmp/a', artifactsRoot: '/tmp/b' }).catch(() => undefined);
      void pool.run({ taskId: 't2', stage: 'extract', params: null, outDir: '/tmp/c', artifactsRoot: '/tmp/b' }).catch(() => undefined);
      expect(host.spawned).toHaveLength(2);
      pool.warmEngines([{ engine: 'silero-vad', preference: 'cpu' }]);
      for (const worker of host.spawned) expect(worker.sent.at(-1)).toEqual({ type: 'warm', engines: [{ engine: 'silero-vad', preference: 'cpu' }] });
    } finally {
      await pool.close();
    }
  });

  it('starts nothing for a job that names no engine, nor once the pool is closing', async () => {
    const host = new RecordingHost();
    const pool = new WorkerPool(host, 1);
    pool.warmEngines([]);
    expect(host.spawned).toHaveLength(0);
    await pool.close();
    pool.warmEngines([{ engine: 'espeak' }]);
    expect(host.spawned).toHaveLength(0);
  });
});
