// Worker processes as Electron utility processes: the same WorkerHost the CLI gets from
// child_process.fork, so the pools, the scheduler and the worker entry do not know which one
// runs them. Messages go through postMessage / 'message' (the worker answers on
// process.parentPort); killing takes the worker's ffmpeg children down with it.
import type { UtilityProcess, utilityProcess as ElectronUtilityProcess } from 'electron';
import type { HostMessage, WorkerMessage } from '../core/worker-host/protocol.js';
import { isWorkerMessage } from '../core/worker-host/protocol.js';
import type { WorkerHost, WorkerProcess } from '../core/worker-host/worker-host.js';
import type { ChildProcessEntry } from '../core/worker-host/child-processes.js';
import { killProcessTree, killReportedChildren, waitUntilGone } from '../core/worker-host/process-tree.js';

const keptErrorLines = 20;

export interface UtilityHostOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** The name the process has in the task manager and in app.getAppMetrics(). */
  serviceName?: string;
}

type Fork = Pick<typeof ElectronUtilityProcess, 'fork'>;

export class UtilityProcessWorkerHost implements WorkerHost {
  /** `launcher` is Electron's utilityProcess; tests pass a stand-in. */
  constructor(
    private readonly launcher: Fork,
    private readonly entry: string,
    private readonly options: UtilityHostOptions = {},
  ) {}

  spawn(): WorkerProcess {
    const child = this.launcher.fork(this.entry, this.options.args ?? [], {
      serviceName: this.options.serviceName ?? 'Redub worker',
      // stdout is left to the terminal (nothing reads it, and an unread pipe would fill and stall
      // the worker); stderr is piped for the crash report.
      stdio: ['ignore', 'inherit', 'pipe'],
      env: { ...process.env, ...this.options.env },
    });
    return new UtilityWorker(child);
  }
}

export class UtilityWorker implements WorkerProcess {
  private readonly errorLines: string[] = [];
  private exitCode: number | null | undefined = undefined;
  /** Kept from spawn: Electron clears `child.pid` once the process has exited. */
  readonly pid: number | undefined;

  constructor(
    private readonly child: UtilityProcess,
    private readonly killTreeOf: (pid: number) => void = killProcessTree,
  ) {
    this.pid = child.pid;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string | Buffer) => this.keepErrorOutput(String(chunk)));
    child.once('exit', (code) => {
      this.exitCode = code;
    });
    // A fatal V8 error: the process is ending; keep what Electron says for the crash report.
    child.on('error', (type, location) => this.keepErrorOutput(`${type} at ${location}`));
  }

  private get exited(): boolean {
    return this.exitCode !== undefined;
  }

  private keepErrorOutput(text: string): void {
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      this.errorLines.push(line);
      if (this.errorLines.length > keptErrorLines) this.errorLines.shift();
    }
  }

  send(message: HostMessage): void {
    if (this.exited) return;
    try {
      this.child.postMessage(message);
    } catch {
      // A worker that cannot be reached is handled through its exit, like the fork host does.
      this.killTree();
    }
  }

  onMessage(listener: (message: WorkerMessage) => void): void {
    this.child.on('message', (message) => {
      if (isWorkerMessage(message)) listener(message);
    });
  }

  onExit(listener: (code: number | null, signal: string | null) => void): void {
    // A utility process reports only an exit code; a killed one reports no signal name.
    if (this.exited) {
      listener(this.exitCode ?? null, null);
      return;
    }
    this.child.once('exit', (code) => listener(code, null));
  }

  killTree(): void {
    if (this.exited) return;
    if (this.pid === undefined) {
      this.child.kill();
      return;
    }
    this.killTreeOf(this.pid);
  }

  async killRemains(reported: readonly ChildProcessEntry[], timeoutMs = 2000): Promise<number[]> {
    // A utility process leads no process group: its helpers are found by what it reported, as
    // a dead worker's children have left its tree for init's.
    this.killTree();
    killReportedChildren(reported);
    return waitUntilGone(reported.map((child) => child.pid), null, timeoutMs);
  }

  recentErrorOutput(): string[] {
    return [...this.errorLines];
  }
}
