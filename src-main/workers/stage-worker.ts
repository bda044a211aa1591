// Entry of a worker process: receives stage tasks from the host, runs them with engines it keeps
// loaded between tasks, and streams progress, logs and heartbeats back. It never touches the
// database; the host is the one writer.
import { EngineCache } from '../core/pipeline/engine-cache.js';
import { runStageTask } from '../core/pipeline/run-stage-task.js';
import { dubStages } from '../core/pipeline/stage-registry.js';
import { loadEspeak } from '../core/pipeline/stages/synthesize.js';
import { loadDetector } from '../core/pipeline/stages/vad.js';
import { onDidChangeChildProcesses } from '../core/worker-host/child-processes.js';
import type { HostMessage, WorkerMessage } from '../core/worker-host/protocol.js';

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
  if (message.type === 'shutdown') process.exit(0);
}

if (parentPort) {
  // The host kills a utility process's whole tree itself (it is no process-group leader).
  parentPort.on('message', (event) => receive(event.data as HostMessage));
} else {
  process.on('message', receive);
  process.on('disconnect', killOwnProcessGroup);
}
setInterval(() => send({ type: 'heartbeat' }), heartbeatIntervalMs);
// The host kills these should this process die: they would outlive it and go on writing.
onDidChangeChildProcesses((children) => send({ type: 'children', children }));

// The seeds' PRELOAD_MODELS: engines loaded before the first task asks for them.
const preloaders: Record<string, () => Promise<unknown>> = { vad: () => loadDetector(engines, 'auto'), tts: () => loadEspeak(engines) };
const preload = (process.env.REDUB_PRELOAD_ENGINES ?? 'vad,tts').split(',').filter(Boolean);
void Promise.allSettled(preload.map((name) => preloaders[name]?.()));
send({ type: 'ready', pid: process.pid });
