import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { RedubError, type ErrorCode } from '../../../src-main/shared/errors.js';
import type { ChildProcessEntry } from '../../../src-main/core/worker-host/child-processes.js';
import type { HostMessage, StageTask, WorkerMessage } from '../../../src-main/core/worker-host/protocol.js';
import type { WorkerHost, WorkerProcess } from '../../../src-main/core/worker-host/worker-host.js';
import { WorkerPool } from '../../../src-main/core/worker-host/worker-pool.js';
import { rejectionOf } from '../../helpers/errors.js';

/** What a fake worker does when it is handed a task; tests script it. */
type Behaviour = (worker: FakeWorker, task: StageTask) => void;

/** An in-process stand-in for a worker process: messages and exits go through an EventEmitter. */
class FakeWorker implements WorkerProcess {
  readonly tasks: StageTask[] = [];
  killTreeCalls = 0;
  private readonly events = new EventEmitter();
  private exitStatus: { code: number | null; signal: string | null } | null = null;

  constructor(
    readonly pid: number,
    private readonly behaviour: Behaviour,
    private readonly errorOutput: string[] = [],
  ) {}

  get exited(): boolean {
    return this.exitStatus !== null;
  }

  get busyWith(): string | null {
    return this.tasks.at(-1)?.taskId ?? null;
  }

  send(message: HostMessage): void {
    if (this.exited || message.type !== 'run') return;
    this.tasks.push(message.task);
    this.behaviour(this, message.task);
  }

  onMessage(listener: (message: WorkerMessage) => void): void {
    this.events.on('message', listener);
  }

  onExit(listener: (code: number | null, signal: string | null) => void): void {
    if (this.exitStatus) {
      listener(this.exitStatus.code, this.exitStatus.signal);
      return;
    }
    this.events.once('exit', listener);
  }

  killTree(): void {
    this.killTreeCalls++;
    this.exit(null, 'SIGKILL');
  }

  /** What the pool asked to be killed after the worker ended, and when. */
  readonly remainsKilled: { reported: ChildProcessEntry[]; exited: boolean }[] = [];
  /** Tests hold the pool here to see that nothing is settled before the remains are dead. */
  remainsDelayMs = 0;

  async killRemains(reported: readonly ChildProcessEntry[]): Promise<number[]> {
    this.remainsKilled.push({ reported: [...reported], exited: this.exited });
    if (this.remainsDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.remainsDelayMs));
    return [];
  }

  recentErrorOutput(): string[] {
    return [...this.errorOutput];
  }

  /** Delivers a message on a later turn, as IPC does. */
  reply(message: WorkerMessage): void {
    setImmediate(() => {
      // 'ready' was sent as the worker started, before whatever ended it.
      if (!this.exited || message.type === 'ready') this.events.emit('message', message);
    });
  }

  exit(code: number | null, signal: string | null): void {
    if (this.exitStatus) return;
    this.exitStatus = { code, signal };
    setImmediate(() => this.events.emit('exit', code, signal));
  }
}

class FakeHost implements WorkerHost {
  readonly spawned: FakeWorker[] = [];
  announceReady = true;

  constructor(
    public behaviour: Behaviour,
    private readonly errorOutput: string[] = [],
  ) {}

  spawn(): WorkerProcess {
    const worker = new FakeWorker(1000 + this.spawned.length, (fake, task) => this.behaviour(fake, task), this.errorOutput);
    this.spawned.push(worker);
    // A worker says it is ready as it starts; one that dies before that failed to start.
    if (this.announceReady) worker.reply({ type: 'ready', pid: worker.pid });
    return worker;
  }
}

const replyDone: Behaviour = (worker, task) => worker.reply({ type: 'done', taskId: task.taskId, result: { echo: task.params }, executionProvider: 'cpu' });
const hang: Behaviour = () => undefined;

let taskCounter = 0;
function makeTask(params: unknown = null): StageTask {
  taskCounter++;
  return { taskId: `task-${taskCounter}`, stage: 'extract', params, outDir: `/tmp/out-${taskCounter}`, artifactsRoot: '/tmp/artifacts' };
}

const pools: WorkerPool[] = [];
function makePool(host: WorkerHost, size: number, heartbeatTimeoutMs?: number): WorkerPool {
  const pool = new WorkerPool(host, size, heartbeatTimeoutMs);
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});


async function expectRejectedWith(promise: Promise<unknown>, code: ErrorCode): Promise<RedubError> {
  const error = await rejectionOf(promise);
  expect(error.code).toBe(code);
  return error;
}

function settledState(promise: Promise<unknown>): Promise<'pending' | 'settled'> {
  return Promise.race([promise.then(() => 'settled' as const, () => 'settled' as const), new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 20))]);
}

describe('WorkerPool', () => {
  it('resolves a task with the worker’s result and execution provider', async () => {
    const pool = makePool(new FakeHost(replyDone), 1);
    const outcome = await pool.run(makeTask({ cue: 7 }));
    expect(outcome).toEqual({ result: { echo: { cue: 7 } }, executionProvider: 'cpu' });
  });

  it('tells onStart which process runs the task', async () => {
    const host = new FakeHost(replyDone);
    const pool = makePool(host, 1);
    const started: (number | undefined)[] = [];
    await pool.run(makeTask(), { onStart: (pid) => started.push(pid) });
    expect(started).toEqual([host.spawned[0]!.pid]);
  });

  it('passes the task’s progress and log messages to its callbacks, in order', async () => {
    const host = new FakeHost((worker, task) => {
      worker.reply({ type: 'progress', taskId: task.taskId, fraction: 0.25 });
      worker.reply({ type: 'log', taskId: task.taskId, level: 'warn', message: 'cue 3 is too long' });
      worker.reply({ type: 'progress', taskId: task.taskId, fraction: 0.75 });
      replyDone(worker, task);
    });
    const pool = makePool(host, 1);
    const progress: number[] = [];
    const logs: [string, string][] = [];
    await pool.run(makeTask(), { onProgress: (fraction) => progress.push(fraction), onLog: (level, message) => logs.push([level, message]) });
    expect(progress).toEqual([0.25, 0.75]);
    expect(logs).toEqual([['warn', 'cue 3 is too long']]);
  });

  it('ignores messages about another task id', async () => {
    const host = new FakeHost((worker, task) => {
      worker.reply({ type: 'progress', taskId: 'someone-else', fraction: 0.5 });
      worker.reply({ type: 'done', taskId: 'someone-else', result: 'wrong', executionProvider: null });
      worker.reply({ type: 'done', taskId: task.taskId, result: 'right', executionProvider: null });
    });
    const pool = makePool(host, 1);
    const progress: number[] = [];
    const outcome = await pool.run(makeTask(), { onProgress: (fraction) => progress.push(fraction) });
    expect(outcome.result).toBe('right');
    expect(progress).toEqual([]);
  });

  it('rejects with the same RedubError code, message, action and details a worker reports as failed', async () => {
    const reported = new RedubError('E_FFMPEG_FAILED', { details: ['ffmpeg: Invalid data found when processing input'] }).toData();
    const host = new FakeHost((worker, task) => worker.reply({ type: 'failed', taskId: task.taskId, error: reported }));
    const pool = makePool(host, 1);
    const error = await expectRejectedWith(pool.run(makeTask()), 'E_FFMPEG_FAILED');
    expect(error.toData()).toEqual(reported);
  });

  it('keeps a worker that reported a failure and gives it the next task', async () => {
    let calls = 0;
    const host = new FakeHost((worker, task) => {
      calls++;
      if (calls === 1) worker.reply({ type: 'failed', taskId: task.taskId, error: new RedubError('E_SYNTHESIS_FAILED').toData() });
      else replyDone(worker, task);
    });
    const pool = makePool(host, 1);
    await expectRejectedWith(pool.run(makeTask()), 'E_SYNTHESIS_FAILED');
    await pool.run(makeTask());
    expect(host.spawned).toHaveLength(1);
  });

  it('rejects with E_WORKER_CRASHED, naming the signal and the worker’s last stderr lines, when a worker exits mid-task', async () => {
    const host = new FakeHost((worker) => worker.exit(null, 'SIGSEGV'), ['Segmentation fault in onnxruntime', 'core dumped']);
    const pool = makePool(host, 1);
    const error = await expectRejectedWith(pool.run(makeTask()), 'E_WORKER_CRASHED');
    expect(error.details[0]).toContain('SIGSEGV');
    expect(error.details[0]).toContain('extract');
    expect(error.details).toContain('Segmentation fault in onnxruntime');
    expect(error.details).toContain('core dumped');
  });

  it('kills what a crashed worker reported running, and settles its task only once that is dead', async () => {
    const ffmpeg = { pid: 4242, command: 'ffmpeg' };
    const host = new FakeHost((worker, task) => {
      worker.remainsDelayMs = 100;
      worker.reply({ type: 'children', children: [ffmpeg] });
      worker.reply({ type: 'progress', taskId: task.taskId, fraction: 0.5 });
      setTimeout(() => worker.exit(null, 'SIGKILL'), 30);
    });
    const pool = makePool(host, 1);
    const task = pool.run(makeTask());
    await new Promise((resolve) => setTimeout(resolve, 80));
    // Exited, but its ffmpeg is still being killed: the task (and so any retry) must wait.
    expect(await settledState(task)).toBe('pending');
    await expectRejectedWith(task, 'E_WORKER_CRASHED');
    expect(host.spawned[0]!.remainsKilled).toEqual([{ reported: [ffmpeg], exited: true }]);
  });

  it('tells a worker killed from outside, one out of memory and one that never started apart', async () => {
    const killed = await rejectionOf(makePool(new FakeHost((worker) => worker.exit(null, 'SIGKILL')), 1).run(makeTask()));
    expect(killed.code).toBe('E_WORKER_CRASHED');
    expect(killed.details[0]).toMatch(/^Worker killed: the extract worker ended with signal SIGKILL/);
    const starved = await rejectionOf(makePool(new FakeHost((worker) => worker.exit(134, null), ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory']), 1).run(makeTask()));
    expect(starved.code).toBe('E_WORKER_OUT_OF_MEMORY');
    expect(starved.details[0]).toMatch(/^Worker out of memory/);
    const silentHost = new FakeHost((worker) => worker.exit(1, null), ['Error: Cannot find module']);
    silentHost.announceReady = false;
    const unstarted = await rejectionOf(makePool(silentHost, 1).run(makeTask()));
    expect(unstarted.code).toBe('E_WORKER_FAILED_TO_START');
    const segfault = await rejectionOf(makePool(new FakeHost((worker) => worker.exit(null, 'SIGSEGV')), 1).run(makeTask()));
    expect(segfault.details[0]).toMatch(/^Worker crashed/);
  });

  it('names the exit code when a crashed worker exited without a signal', async () => {
    const host = new FakeHost((worker) => worker.exit(3, null));
    const pool = makePool(host, 1);
    const error = await expectRejectedWith(pool.run(makeTask()), 'E_WORKER_CRASHED');
    expect(error.details[0]).toContain('exit code 3');
  });

  it('spawns a fresh worker for the next task after one crashed', async () => {
    let calls = 0;
    const host = new FakeHost((worker, task) => {
      calls++;
      if (calls === 1) worker.exit(1, null);
      else replyDone(worker, task);
    });
    const pool = makePool(host, 1);
    await expectRejectedWith(pool.run(makeTask()), 'E_WORKER_CRASHED');
    const outcome = await pool.run(makeTask('again'));
    expect(outcome.result).toEqual({ echo: 'again' });
    expect(host.spawned).toHaveLength(2);
    expect(host.spawned[1]!.tasks).toHaveLength(1);
  });

  it('runs a task that was waiting when a worker crashed on a fresh worker', async () => {
    let calls = 0;
    const host = new FakeHost((worker, task) => {
      calls++;
      if (calls === 1) worker.exit(null, 'SIGKILL');
      else replyDone(worker, task);
    });
    const pool = makePool(host, 1);
    const first = pool.run(makeTask());
    const second = pool.run(makeTask('queued'));
    await expectRejectedWith(first, 'E_WORKER_CRASHED');
    expect((await second).result).toEqual({ echo: 'queued' });
    expect(host.spawned).toHaveLength(2);
  });

  it('kills a worker silent for longer than heartbeatTimeoutMs and rejects with E_WORKER_HUNG', async () => {
    const host = new FakeHost(hang);
    const pool = makePool(host, 1, 40);
    const startedAt = Date.now();
    const error = await expectRejectedWith(pool.run(makeTask()), 'E_WORKER_HUNG');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(40);
    expect(host.spawned[0]!.killTreeCalls).toBe(1);
    expect(error.details.join(' ')).toContain('40 ms');
  });

  it('waits as long as a task says it may compute without a message, and no longer', async () => {
    const host = new FakeHost((worker, task) => setTimeout(() => replyDone(worker, task), 150));
    const pool = makePool(host, 2, 40);
    // A stage with one long step (quietMs) is let be past the pool's timeout…
    expect((await pool.run(makeTask('long step'), { quietMs: 400 })).result).toEqual({ echo: 'long step' });
    expect(host.spawned[0]!.killTreeCalls).toBe(0);
    // …but not past its own allowance, and the error says which allowance it broke.
    const hanging = new FakeHost(hang);
    const error = await expectRejectedWith(makePool(hanging, 1, 40).run(makeTask(), { quietMs: 120 }), 'E_WORKER_HUNG');
    expect(error.details.join(' ')).toContain('120 ms');
  });

  it('keeps a slow worker that sends heartbeats past heartbeatTimeoutMs', async () => {
    const host = new FakeHost((worker, task) => {
      const beat = setInterval(() => worker.reply({ type: 'heartbeat' }), 10);
      setTimeout(() => {
        clearInterval(beat);
        replyDone(worker, task);
      }, 200);
    });
    const pool = makePool(host, 1, 60);
    const outcome = await pool.run(makeTask('slow'));
    expect(outcome.result).toEqual({ echo: 'slow' });
    expect(host.spawned[0]!.killTreeCalls).toBe(0);
  });

  it('kills the worker and rejects with E_CANCELLED when a running task is aborted', async () => {
    const host = new FakeHost(hang);
    const pool = makePool(host, 1);
    const controller = new AbortController();
    const running = pool.run(makeTask(), { signal: controller.signal });
    expect(host.spawned[0]!.tasks).toHaveLength(1);
    controller.abort();
    await expectRejectedWith(running, 'E_CANCELLED');
    expect(host.spawned[0]!.killTreeCalls).toBe(1);
  });

  it('rejects an already-aborted task with E_CANCELLED without starting a worker', async () => {
    const host = new FakeHost(replyDone);
    const pool = makePool(host, 1);
    await expectRejectedWith(pool.run(makeTask(), { signal: AbortSignal.abort() }), 'E_CANCELLED');
    expect(host.spawned).toHaveLength(0);
  });

  it('rejects an aborted task still waiting in the queue without touching any worker', async () => {
    const host = new FakeHost(hang);
    const pool = makePool(host, 1);
    const running = pool.run(makeTask());
    const controller = new AbortController();
    const queuedTask = makeTask();
    const queued = pool.run(queuedTask, { signal: controller.signal });
    controller.abort();
    await expectRejectedWith(queued, 'E_CANCELLED');

    const worker = host.spawned[0]!;
    expect(host.spawned).toHaveLength(1);
    expect(worker.killTreeCalls).toBe(0);
    expect(await settledState(running)).toBe('pending');

    // When the running task ends, the cancelled one is not handed to the now idle worker.
    replyDone(worker, worker.tasks[0]!);
    await running;
    expect(worker.tasks.map((task) => task.taskId)).not.toContain(queuedTask.taskId);
  });

  it('keeps at most `size` workers busy and runs a third task when one of two finishes', async () => {
    const host = new FakeHost(hang);
    const pool = makePool(host, 2);
    const tasks = [makeTask(1), makeTask(2), makeTask(3)];
    const outcomes = tasks.map((task) => pool.run(task));

    expect(host.spawned).toHaveLength(2);
    expect(host.spawned.map((worker) => worker.busyWith)).toEqual([tasks[0]!.taskId, tasks[1]!.taskId]);
    expect(await settledState(outcomes[2]!)).toBe('pending');

    const second = host.spawned[1]!;
    replyDone(second, tasks[1]!);
    await outcomes[1];
    await new Promise((resolve) => setImmediate(resolve));
    expect(host.spawned).toHaveLength(2);
    expect(second.busyWith).toBe(tasks[2]!.taskId);
    expect(host.spawned[0]!.tasks).toHaveLength(1);

    replyDone(second, tasks[2]!);
    replyDone(host.spawned[0]!, tasks[0]!);
    expect((await outcomes[2]!).result).toEqual({ echo: 3 });
    expect((await outcomes[0]!).result).toEqual({ echo: 1 });
  });

  it('reuses an idle worker for later tasks instead of spawning a new one', async () => {
    const host = new FakeHost(replyDone);
    const pool = makePool(host, 4);
    for (let index = 0; index < 5; index++) await pool.run(makeTask(index));
    expect(host.spawned).toHaveLength(1);
    expect(host.spawned[0]!.tasks).toHaveLength(5);
  });

  it('warmUp starts workers ahead of tasks, never more than the pool size', () => {
    const host = new FakeHost(replyDone);
    const pool = makePool(host, 2);
    pool.warmUp(5);
    expect(host.spawned).toHaveLength(2);
    expect(pool.processIds).toEqual(host.spawned.map((worker) => worker.pid));
  });

  it('close() kills every worker and rejects running and waiting tasks with E_CANCELLED', async () => {
    const host = new FakeHost(hang);
    const pool = makePool(host, 2);
    const outcomes = [pool.run(makeTask()), pool.run(makeTask()), pool.run(makeTask())];
    const rejections = outcomes.map((outcome) => expectRejectedWith(outcome, 'E_CANCELLED'));
    await pool.close();
    await Promise.all(rejections);
    expect(host.spawned).toHaveLength(2);
    expect(host.spawned.map((worker) => worker.killTreeCalls)).toEqual([1, 1]);
    expect(host.spawned.map((worker) => worker.tasks.length)).toEqual([1, 1]);
  });

  it('rejects tasks submitted after close() with E_CANCELLED and spawns nothing', async () => {
    const host = new FakeHost(replyDone);
    const pool = makePool(host, 1);
    await pool.close();
    await expectRejectedWith(pool.run(makeTask()), 'E_CANCELLED');
    expect(host.spawned).toHaveLength(0);
  });
});
