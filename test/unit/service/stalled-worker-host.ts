// A worker host whose workers take a task and work on it forever, until killed: a job it runs
// stays `running`, which is what tests of cancel, delete and media-before-done need.
import { EventEmitter } from 'node:events';
import type { HostMessage, WorkerMessage } from '../../../src-main/core/worker-host/protocol.js';
import type { WorkerHost, WorkerProcess } from '../../../src-main/core/worker-host/worker-host.js';

export class StalledWorker implements WorkerProcess {
  readonly pid = 4_000_000 + Math.floor(Math.random() * 1000);
  readonly tasks: string[] = [];
  private readonly events = new EventEmitter();
  killed = false;

  send(message: HostMessage): void {
    if (message.type === 'run') this.tasks.push(message.task.stage);
  }

  onMessage(listener: (message: WorkerMessage) => void): void {
    this.events.on('message', listener);
  }

  onExit(listener: (code: number | null, signal: string | null) => void): void {
    if (this.killed) setImmediate(() => listener(null, 'SIGKILL'));
    else this.events.once('exit', listener);
  }

  killTree(): void {
    if (this.killed) return;
    this.killed = true;
    setImmediate(() => this.events.emit('exit', null, 'SIGKILL'));
  }

  async killRemains(): Promise<number[]> {
    return [];
  }

  recentErrorOutput(): string[] {
    return [];
  }
}

export class StalledHost implements WorkerHost {
  readonly workers: StalledWorker[] = [];

  spawn(): WorkerProcess {
    const worker = new StalledWorker();
    this.workers.push(worker);
    return worker;
  }

  get busy(): boolean {
    return this.workers.some((worker) => worker.tasks.length > 0);
  }
}

export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
