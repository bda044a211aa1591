// The one interface behind which worker processes live. Node's child_process.fork implements it
// here; Electron's utilityProcess implements it in src-main/electron, speaking the same messages.
import type { ChildProcessEntry } from './child-processes.js';
import type { HostMessage, WorkerMessage } from './protocol.js';

export interface WorkerProcess {
  readonly pid: number | undefined;
  send(message: HostMessage): void;
  onMessage(listener: (message: WorkerMessage) => void): void;
  /** Each listener is called once, however the process ended; several may be registered. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** Kills the worker and every process it started (ffmpeg), at once. */
  killTree(): void;
  /**
   * Kills what the worker left running once it has ended (or while it ends): its process group
   * where it leads one, and the helpers it reported, which outlive it re-parented. Resolves with
   * the pids that still run after `timeoutMs` (normally none).
   */
  killRemains(reported: readonly ChildProcessEntry[], timeoutMs?: number): Promise<number[]>;
  /** The last lines the worker wrote to stderr, for a crash report. */
  recentErrorOutput(): string[];
}

export interface WorkerHost {
  spawn(): WorkerProcess;
}
