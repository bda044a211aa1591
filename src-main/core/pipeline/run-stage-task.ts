// Runs one stage task where it is received: in a worker process (workers/stage-worker.ts), or in
// the host's own process for tests (test/helpers). Finds the declaration by name, gives it a
// context, and reports progress (throttled), logs and the outcome as worker messages.
import { toErrorData } from '../../shared/errors.js';
import type { StageTask, WorkerMessage } from '../worker-host/protocol.js';
import type { EngineCache } from './engine-cache.js';
import type { AnyStage, StageContext } from './stage.js';
import { stageNamed } from './stage-registry.js';

export async function runStageTask(task: StageTask, stages: readonly AnyStage[], engines: EngineCache, send: (message: WorkerMessage) => void): Promise<void> {
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
    const result = await stageNamed(stages, task.stage).run(task.params, context);
    send({ type: 'done', taskId: task.taskId, result, executionProvider });
  } catch (error) {
    send({ type: 'failed', taskId: task.taskId, error: toErrorData(error) });
  }
}
