// Worker processes through Node's child_process.fork. Each worker leads its own process group,
// so killing the group takes the ffmpeg processes it started with it.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import type { HostMessage, WorkerMessage } from './protocol.js';
import { isWorkerMessage } from './protocol.js';
import type { ChildProcessEntry } from './child-processes.js';
import { killProcessGroup, killReportedChildren, waitUntilGone } from './process-tree.js';
import type { WorkerHost, WorkerProcess } from './worker-host.js';

const keptErrorLines = 20;

export class ForkWorkerHost implements WorkerHost {
  /** A worker forked ahead of the pool that will ask for one (see prestart). */
  private started: ForkedWorker | null = null;

  constructor(
    private readonly entry: string,
    private readonly options: { args?: string[]; env?: NodeJS.ProcessEnv; execArgv?: string[] } = {},
  ) {}

  /**
   * Forks one worker now, for the next spawn(): a command that will run a job starts its worker
   * while it is still loading its own modules and checking the request, instead of after.
   * `env` is added to this one worker's environment (which engines to preload).
   */
  prestart(env: NodeJS.ProcessEnv = {}): void {
    this.started ??= this.fork(env);
  }

  spawn(): WorkerProcess {
    const worker = this.started ?? this.fork();
    this.started = null;
    return worker;
  }

  /** Kills the worker prestart() forked if no pool took it (the command failed before a job ran). */
  release(): void {
    this.started?.killTree();
    this.started = null;
  }

  private fork(env: NodeJS.ProcessEnv = {}): ForkedWorker {
    const child = fork(this.entry, this.options.args ?? [], {
      ...(this.options.execArgv ? { execArgv: this.options.execArgv } : {}),
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, ...this.options.env, ...env },
      serialization: 'advanced',
    });
    return new ForkedWorker(child);
  }
}

class ForkedWorker implements WorkerProcess {
  private readonly errorLines: string[] = [];
  private exited = false;
  /** What the worker said before anyone listened (a prestarted worker's 'ready'), kept for the first listener. */
  private early: WorkerMessage[] | null = [];
  private readonly listeners: ((message: WorkerMessage) => void)[] = [];

  constructor(private readonly child: ChildProcess) {
    child.on('message', (message) => {
      if (!isWorkerMessage(message)) return;
      if (!this.early) {
        for (const listener of this.listeners) listener(message);
        return;
      }
      // Bounded however long nobody listens: the pool counts liveness from when it takes the
      // worker, and only the latest list of helpers matters.
      if (message.type === 'heartbeat') return;
      if (message.type === 'children') this.early = this.early.filter((kept) => kept.type !== 'children');
      this.early.push(message);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line.trim() === '') continue;
        this.errorLines.push(line);
        if (this.errorLines.length > keptErrorLines) this.errorLines.shift();
      }
    });
    child.on('exit', () => {
      this.exited = true;
    });
    // A worker that cannot be reached is handled through its exit, not by crashing the host.
    child.on('error', () => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(message: HostMessage): void {
    if (this.exited || !this.child.connected) return;
    this.child.send(message, (error) => {
      if (error) this.killTree();
    });
  }

  onMessage(listener: (message: WorkerMessage) => void): void {
    this.listeners.push(listener);
    const early = this.early;
    this.early = null;
    for (const message of early ?? []) listener(message);
  }

  onExit(listener: (code: number | null, signal: string | null) => void): void {
    if (this.exited) {
      listener(this.child.exitCode, this.child.signalCode);
      return;
    }
    this.child.once('exit', (code, signal) => listener(code, signal));
  }

  killTree(): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exited) return;
    if (process.platform === 'win32') {
      spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore' });
      return;
    }
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // The group is gone already, or the worker never became a group leader.
      try {
        this.child.kill('SIGKILL');
      } catch {
        /* already exited */
      }
    }
  }

  async killRemains(reported: readonly ChildProcessEntry[], timeoutMs = 2000): Promise<number[]> {
    const pid = this.child.pid;
    if (pid === undefined) return [];
    if (process.platform === 'win32') {
      this.killTree();
      killReportedChildren(reported);
      return waitUntilGone(reported.map((child) => child.pid), null, timeoutMs);
    }
    // The worker led its own group: everything it started is in it, even once re-parented.
    killProcessGroup(pid);
    killReportedChildren(reported);
    return waitUntilGone(reported.map((child) => child.pid), pid, timeoutMs);
  }

  recentErrorOutput(): string[] {
    return [...this.errorLines];
  }
}
