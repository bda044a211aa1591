// The messages a host and a worker process exchange. Plain objects only: they cross
// child_process IPC today and Electron's utilityProcess later, unchanged.
import type { RedubErrorData } from '../../shared/errors.js';
import type { StageName } from '../../shared/jobs.js';
import type { ChildProcessEntry } from './child-processes.js';

export interface StageTask {
  taskId: string;
  stage: StageName;
  params: unknown;
  /** Folder the stage writes its files into; the host commits or deletes it. */
  outDir: string;
  /** Root of the artifact cache, for stages that keep per-item artifacts (one cue's speech). */
  artifactsRoot: string;
}

/** An engine a job is about to use, loaded by the worker ahead of the stage that needs it. */
export interface EngineWarmup {
  /** The engine's name in the worker's list (workers/engine-warmers.ts): 'espeak', 'silero-vad'. */
  engine: string;
  /** The job's execution-provider preference, for an engine that runs on ONNX Runtime. */
  preference?: string;
}

export type HostMessage = { type: 'run'; task: StageTask } | { type: 'warm'; engines: EngineWarmup[] } | { type: 'shutdown' };

export type WorkerMessage =
  | { type: 'ready'; pid: number }
  | { type: 'heartbeat' }
  /** The helper processes (ffmpeg) the worker has running now, sent whenever that changes. */
  | { type: 'children'; children: ChildProcessEntry[] }
  | { type: 'progress'; taskId: string; fraction: number }
  | { type: 'log'; taskId: string; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'done'; taskId: string; result: unknown; executionProvider: string | null }
  | { type: 'failed'; taskId: string; error: RedubErrorData };

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
