// A worker host that runs stage tasks in the test's own process, through the same runStageTask a
// worker process uses: how a test runs a pipeline with a stage declared in the test file (a worker
// process only knows the stages built into it), and records every task it is given.
import { EventEmitter } from 'node:events';
import { EngineCache } from '../../src-main/core/pipeline/engine-cache.js';
import { runStageTask } from '../../src-main/core/pipeline/run-stage-task.js';
import type { AnyStage } from '../../src-main/core/pipeline/stage.js';
import type { HostMessage, StageTask, WorkerMessage } from '../../src-main/core/worker-host/protocol.js';
import type { WorkerHost, WorkerProcess } from '../../src-main/core/worker-host/worker-host.js';

export class InProcessHost implements WorkerHost {
  readonly tasks: StageTask[] = [];
  private readonly engines = new EngineCache();

  constructor(private readonly stages: readonly AnyStage[]) {}

  spawn(): WorkerProcess {
    const events = new EventEmitter();
    let exited = false;
    const emit = (message: WorkerMessage) => setImmediate(() => !exited && events.emit('message', message));
    emit({ type: 'ready', pid: process.pid });
    return {
      pid: process.pid,
      send: (message: HostMessage) => {
        if (message.type !== 'run' || exited) return;
        this.tasks.push(message.task);
        void runStageTask(message.task, this.stages, this.engines, emit);
      },
      onMessage: (listener) => events.on('message', listener),
      onExit: (listener) => (exited ? listener(null, 'SIGKILL') : events.once('exit', listener)),
      killTree: () => {
        if (exited) return;
        exited = true;
        setImmediate(() => events.emit('exit', null, 'SIGKILL'));
      },
      killRemains: async () => [],
      recentErrorOutput: () => [],
    };
  }
}
