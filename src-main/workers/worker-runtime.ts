// The body of a worker process (stage-worker.ts is its entry): receives stage tasks from the host,
// runs them with engines it keeps loaded between tasks, and streams progress, logs and
// heartbeats back. It never touches the database; the host is the one writer.
import { EngineCache } from '../core/pipeline/engine-cache.js';
import { runStageTask } from '../core/pipeline/run-stage-task.js';
import { dubStages } from '../core/pipeline/stage-registry.js';
import { onDidChangeChildProcesses } from '../core/worker-host/child-processes.js';
import type { EngineWarmup, HostMessage, WorkerMessage } from '../core/worker-host/protocol.js';
import { warmEngines } from './engine-warmers.js';

const heartbeatIntervalMs = 1000;
const engines = new EngineCache();

/**
 * Set when this runs as an Electron utility process, which talks to its host over
 * `process.parentPort` (messages arrive wrapped as `{ data }`) instead of Node's IPC channel.
 */
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}
const parentPort = (process as { parentPort?: ParentPort }).parentPort;

function send(message: WorkerMessage): void {
  if (parentPort) parentPort.postMessage(message);
  else if (process.connected) process.send?.(message);
}

function killOwnProcessGroup(): never {
  // The host is gone (it crashed or was killed): take our ffmpeg children down with us.
  if (process.platform !== 'win32') {
    try {
      process.kill(-process.pid, 'SIGKILL');
    } catch {
      /* not a group leader; exiting is enough */
    }
  }
  process.exit(0);
}

function receive(message: HostMessage): void {
  if (message.type === 'run') void runStageTask(message.task, dubStages, engines, send);
  if (message.type === 'warm') warmEngines(engines, message.engines);
  if (message.type === 'shutdown') process.exit(0);
}

/** Starts the message loop; `preload` names engines to load before any job asks (the seeds' PRELOAD_MODELS). */
export function startWorker(preload: readonly EngineWarmup[]): void {
  if (parentPort) {
    // The host kills a utility process's whole tree itself (it is no process-group leader).
    parentPort.on('message', (event) => receive(event.data as HostMessage));
  } else {
    process.on('message', receive);
    process.on('disconnect', killOwnProcessGroup);
    // A host that went away while this process was still loading told no listener.
    if (process.connected === false) killOwnProcessGroup();
  }
  setInterval(() => send({ type: 'heartbeat' }), heartbeatIntervalMs);
  // The host kills these should this process die: they would outlive it and go on writing.
  onDidChangeChildProcesses((children) => send({ type: 'children', children }));
  warmEngines(engines, preload);
  send({ type: 'ready', pid: process.pid });
}
