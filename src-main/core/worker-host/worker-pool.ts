// A pool of long-lived worker processes for one resource class (cpu or gpu). Workers stay up
// between tasks so the engines they loaded stay warm; a worker that dies or stops sending
// heartbeats is killed, its task rejected with a retryable error, and a fresh one takes its place.
// A task is rejected only once everything its worker started is dead too, so a retry never
// shares its files with a helper of the attempt before.
import { RedubError } from '../../shared/errors.js';
import type { ChildProcessEntry } from './child-processes.js';
import type { EngineWarmup, StageTask, WorkerMessage } from './protocol.js';
import type { WorkerHost, WorkerProcess } from './worker-host.js';

export interface RunOptions {
  onProgress?: (fraction: number) => void;
  onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Told which process runs the task, so logs can name it. */
  onStart?: (pid: number | undefined) => void;
  signal?: AbortSignal;
  /** The longest this task computes between two messages (a stage's one long step); the pool's
   * heartbeat timeout is stretched to it for this task only. */
  quietMs?: number;
}

export interface TaskOutcome {
  result: unknown;
  executionProvider: string | null;
}

interface PendingTask {
  task: StageTask;
  options: RunOptions;
  resolve: (outcome: TaskOutcome) => void;
  reject: (error: RedubError) => void;
}

type KillReason = 'cancelled' | 'hung' | 'shutdown';

interface PooledWorker {
  process: WorkerProcess;
  current: PendingTask | null;
  lastSeenMs: number;
  killReason: KillReason | null;
  /** The helpers (ffmpeg) it last said it runs. */
  children: ChildProcessEntry[];
  /** Whether it said it was ready: one that dies before that failed to start. */
  ready: boolean;
}

/** Why a worker ended, in the words of VS Code's utility-process wrapper. */
export type WorkerDeath = 'crashed' | 'out of memory' | 'killed' | 'failed to start' | 'hung';

/** What ends a worker for lack of memory: V8's heap limit, or an allocation the system refused. */
const outOfMemoryOutput = /heap out of memory|Allocation failed|Cannot allocate memory|ENOMEM|std::bad_alloc|out of memory/i;

/** The reason a worker ended without being asked to. */
export function workerDeath(code: number | null, signal: string | null, errorOutput: readonly string[], ready: boolean): WorkerDeath {
  if (errorOutput.some((line) => outOfMemoryOutput.test(line))) return 'out of memory';
  if (!ready) return 'failed to start';
  if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT' || signal === 'SIGHUP') return 'killed';
  return 'crashed';
}

const deathCodes = { crashed: 'E_WORKER_CRASHED', killed: 'E_WORKER_CRASHED', 'out of memory': 'E_WORKER_OUT_OF_MEMORY', 'failed to start': 'E_WORKER_FAILED_TO_START', hung: 'E_WORKER_HUNG' } as const;

/** The codes of a task whose worker died under it: the stage may be tried again on a fresh worker. */
export const workerDeathCodes: readonly string[] = [...new Set(Object.values(deathCodes))];

export class WorkerPool {
  private readonly workers = new Set<PooledWorker>();
  private readonly waiting: PendingTask[] = [];
  private readonly watchdog: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly host: WorkerHost,
    private readonly size: number,
    private readonly heartbeatTimeoutMs = 30_000,
  ) {
    this.watchdog = setInterval(() => this.checkHeartbeats(), Math.min(1000, heartbeatTimeoutMs / 2));
    this.watchdog.unref();
  }

  run(task: StageTask, options: RunOptions = {}): Promise<TaskOutcome> {
    return new Promise<TaskOutcome>((resolve, reject) => {
      if (this.closed) return reject(new RedubError('E_CANCELLED', { details: ['The worker pool is shutting down.'] }));
      if (options.signal?.aborted) return reject(new RedubError('E_CANCELLED'));
      const onAbort = () => this.cancel(pending);
      // The signal may outlive the task (one per job, many stages): let go of it once settled.
      const settle = () => options.signal?.removeEventListener('abort', onAbort);
      const pending: PendingTask = {
        task,
        options,
        resolve: (outcome) => {
          settle();
          resolve(outcome);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(pending);
      this.dispatch();
    });
  }

  /** Starts workers ahead of the first task, so engines load while the job is being planned. */
  warmUp(count = 1): void {
    while (!this.closed && this.workers.size < Math.min(count, this.size)) this.startWorker();
  }

  /**
   * Asks the workers to load engines a job is about to use, ahead of its stages: one is started
   * if none runs. Best effort: a worker that dies meanwhile takes nothing with it, and the
   * stage loads what it needs itself.
   */
  warmEngines(engines: EngineWarmup[]): void {
    if (this.closed || engines.length === 0) return;
    this.warmUp(1);
    for (const worker of this.workers) if (worker.killReason === null) worker.process.send({ type: 'warm', engines });
  }

  get processIds(): number[] {
    return [...this.workers].map((worker) => worker.process.pid).filter((pid): pid is number => pid !== undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    for (const pending of this.waiting.splice(0)) pending.reject(new RedubError('E_CANCELLED'));
    await Promise.all([...this.workers].map((worker) => this.kill(worker, 'shutdown')));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const idle = [...this.workers].find((worker) => worker.current === null && worker.killReason === null);
      const worker = idle ?? (this.workers.size < this.size ? this.startWorker() : null);
      if (!worker) return;
      const pending = this.waiting.shift()!;
      worker.current = pending;
      worker.lastSeenMs = Date.now();
      pending.options.onStart?.(worker.process.pid);
      worker.process.send({ type: 'run', task: pending.task });
    }
  }

  private startWorker(): PooledWorker {
    const worker: PooledWorker = { process: this.host.spawn(), current: null, lastSeenMs: Date.now(), killReason: null, children: [], ready: false };
    this.workers.add(worker);
    worker.process.onMessage((message) => this.handleMessage(worker, message));
    worker.process.onExit((code, signal) => this.handleExit(worker, code, signal));
    return worker;
  }

  private handleMessage(worker: PooledWorker, message: WorkerMessage): void {
    worker.lastSeenMs = Date.now();
    if (message.type === 'ready') worker.ready = true;
    if (message.type === 'children') {
      worker.children = message.children;
      return;
    }
    const current = worker.current;
    if (!current || !('taskId' in message) || message.taskId !== current.task.taskId) return;
    switch (message.type) {
      case 'progress':
        current.options.onProgress?.(message.fraction);
        break;
      case 'log':
        current.options.onLog?.(message.level, message.message);
        break;
      case 'done':
        worker.current = null;
        current.resolve({ result: message.result, executionProvider: message.executionProvider });
        this.dispatch();
        break;
      case 'failed':
        worker.current = null;
        current.reject(RedubError.fromData(message.error));
        this.dispatch();
        break;
    }
  }

  private handleExit(worker: PooledWorker, code: number | null, signal: string | null): void {
    this.workers.delete(worker);
    const current = worker.current;
    worker.current = null;
    // Its ffmpeg may still be writing into the task's folder: the task is settled (and may be
    // retried) only once that is dead.
    void worker.process.killRemains(worker.children).then((survivors) => {
      if (current) current.reject(this.exitError(worker, current, code, signal, survivors));
      if (!this.closed) this.dispatch();
    });
  }

  private exitError(worker: PooledWorker, current: PendingTask, code: number | null, signal: string | null, survivors: number[]): RedubError {
    const reason = worker.killReason;
    const lingering = survivors.length > 0 ? [`Processes ${survivors.join(', ')} it started did not stop within 2 s of being killed.`] : [];
    if (reason === 'cancelled' || reason === 'shutdown') return new RedubError('E_CANCELLED', { details: lingering });
    const errorOutput = worker.process.recentErrorOutput();
    const death: WorkerDeath = reason === 'hung' ? 'hung' : workerDeath(code, signal, errorOutput, worker.ready);
    const how = reason === 'hung' ? `sent no heartbeat for ${this.silenceAllowedMs(current)} ms and was stopped` : `ended with ${signal ? `signal ${signal}` : `exit code ${code}`}`;
    return new RedubError(deathCodes[death], { details: [`Worker ${death}: the ${current.task.stage} worker ${how}.`, ...lingering, ...errorOutput] });
  }

  private cancel(pending: PendingTask): void {
    const queuedAt = this.waiting.indexOf(pending);
    if (queuedAt >= 0) {
      this.waiting.splice(queuedAt, 1);
      pending.reject(new RedubError('E_CANCELLED'));
      return;
    }
    const worker = [...this.workers].find((candidate) => candidate.current === pending);
    if (worker) void this.kill(worker, 'cancelled');
  }

  private silenceAllowedMs(pending: PendingTask): number {
    return Math.max(this.heartbeatTimeoutMs, pending.options.quietMs ?? 0);
  }

  private checkHeartbeats(): void {
    const now = Date.now();
    for (const worker of this.workers) {
      if (worker.current && worker.killReason === null && now - worker.lastSeenMs > this.silenceAllowedMs(worker.current)) void this.kill(worker, 'hung');
    }
  }

  /** Kills the worker's process tree and resolves once it has exited (at most ~2 s). */
  private kill(worker: PooledWorker, reason: KillReason): Promise<void> {
    worker.killReason ??= reason;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 2000);
      worker.process.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      worker.process.killTree();
    });
  }
}
