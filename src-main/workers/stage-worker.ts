// Entry of a worker process: receives stage tasks from the host, runs them with engines it keeps
// loaded between tasks, and streams progress, logs and heartbeats back. It never touches the
// database; the host is the one writer.
import { toErrorData } from '../shared/errors.js';
import { EngineCache } from '../core/pipeline/engine-cache.js';
import { stageRegistry } from '../core/pipeline/stage-registry.js';
import type { StageContext } from '../core/pipeline/stage.js';
import { onDidChangeChildProcesses } from '../core/worker-host/child-processes.js';
import type { HostMessage, StageTask, WorkerMessage } from '../core/worker-host/protocol.js';

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

async function runTask(task: StageTask): Promise<void> {
  let executionProvider: string | null = null;
  let lastProgressAt = 0;
  const context: StageContext = {
    task,
    engines,
    reportProgress(fraction) {
      // Throttled: a stage may report per cue, the host only needs a few updates a second.
      const now = Date.now();
      if (now - lastProgressAt < 100 && fraction < 1) return;
      lastProgressAt = now;
      send({ type: 'progress', taskId: task.taskId, fraction: Math.max(0, Math.min(1, fraction)) });
    },
    log: (level, message) => send({ type: 'log', taskId: task.taskId, level, message }),
    useExecutionProvider(provider) {
      executionProvider = provider;
    },
  };
  try {
    const stage = stageRegistry[task.stage];
    const result = await stage.run(task.params, context);
    send({ type: 'done', taskId: task.taskId, result, executionProvider });
  } catch (error) {
    send({ type: 'failed', taskId: task.taskId, error: toErrorData(error) });
  }
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
  if (message.type === 'run') void runTask(message.task);
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

const preload = (process.env.REDUB_PRELOAD_ENGINES ?? 'vad,tts').split(',').filter(Boolean);
void engines.preload(preload);
send({ type: 'ready', pid: process.pid });
