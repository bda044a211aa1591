import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { UtilityProcess } from 'electron';
import type { StageTask } from '../../../src-main/core/worker-host/protocol.js';
import { UtilityProcessWorkerHost, UtilityWorker } from '../../../src-main/electron/utility-process-host.js';

/** Electron's UtilityProcess as far as the host uses it. */
class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined = 4242;
  readonly stdout = null;
  readonly stderr = new PassThrough();
  readonly posted: unknown[] = [];
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.exit(0);
    return true;
  }
  exit(code: number): void {
    this.pid = undefined;
    this.emit('exit', code);
  }
}

const task: StageTask = { taskId: 't1', stage: 'probe', params: {}, outDir: '/tmp/out', artifactsRoot: '/tmp/artifacts' };

function worker(fake = new FakeUtilityProcess(), killTree = vi.fn()) {
  return { fake, killTree, worker: new UtilityWorker(fake as unknown as UtilityProcess, killTree) };
}

describe('utility process worker host', () => {
  it('forks the worker entry with its arguments, a service name and piped stderr', () => {
    const fake = new FakeUtilityProcess();
    const fork = vi.fn(() => fake as unknown as UtilityProcess);
    const host = new UtilityProcessWorkerHost({ fork }, '/app/out/main/worker.js', { args: ['--redub-data-dir=/data'], env: { REDUB_PRELOAD_ENGINES: 'vad' } });
    expect(host.spawn().pid).toBe(4242);
    const [entry, args, options] = fork.mock.calls[0] as unknown as [string, string[], { serviceName: string; stdio: string[]; env: NodeJS.ProcessEnv }];
    expect(entry).toBe('/app/out/main/worker.js');
    expect(args).toEqual(['--redub-data-dir=/data']);
    expect(options.serviceName).toBe('Redub worker');
    expect(options.stdio).toEqual(['ignore', 'inherit', 'pipe']);
    expect(options.env.REDUB_PRELOAD_ENGINES).toBe('vad');
  });

  it('sends host messages with postMessage and passes on only worker messages', () => {
    const { fake, worker: utility } = worker();
    const received: unknown[] = [];
    utility.onMessage((message) => received.push(message));
    utility.send({ type: 'run', task });
    expect(fake.posted).toEqual([{ type: 'run', task }]);
    fake.emit('message', { type: 'ready', pid: 4242 });
    fake.emit('message', 'noise');
    fake.emit('message', null);
    expect(received).toEqual([{ type: 'ready', pid: 4242 }]);
  });

  it('reports the exit to every listener, also to those registered after it, and keeps the pid', () => {
    const { fake, worker: utility } = worker();
    const early = vi.fn();
    utility.onExit(early);
    fake.exit(3);
    const late = vi.fn();
    utility.onExit(late);
    expect(early).toHaveBeenCalledWith(3, null);
    expect(late).toHaveBeenCalledWith(3, null);
    expect(utility.pid).toBe(4242);
    utility.send({ type: 'shutdown' });
    expect(fake.posted).toEqual([]);
  });

  it('kills the tree by pid, and not once the process has exited', () => {
    const { fake, killTree, worker: utility } = worker();
    utility.killTree();
    expect(killTree).toHaveBeenCalledWith(4242);
    fake.exit(0);
    utility.killTree();
    expect(killTree).toHaveBeenCalledTimes(1);
  });

  it('falls back to kill() when the process never got a pid', () => {
    const fake = new FakeUtilityProcess();
    fake.pid = undefined;
    const { killTree, worker: utility } = worker(fake);
    const exit = vi.fn();
    utility.onExit(exit);
    utility.killTree();
    expect(killTree).not.toHaveBeenCalled();
    expect(exit).toHaveBeenCalledWith(0, null);
  });

  it('keeps the last stderr lines and fatal errors for the crash report', async () => {
    const { fake, worker: utility } = worker();
    for (let line = 1; line <= 25; line++) fake.stderr.write(`line ${line}\n`);
    fake.emit('error', 'FatalError', 'worker.js:10');
    await new Promise((resolve) => setImmediate(resolve));
    const output = utility.recentErrorOutput();
    expect(output).toHaveLength(20);
    expect(output.at(-2)).toBe('line 25');
    expect(output.at(-1)).toBe('FatalError at worker.js:10');
  });

  it('treats a postMessage that throws as a dead worker and kills it', () => {
    const { fake, killTree, worker: utility } = worker();
    fake.postMessage = () => {
      throw new Error('channel closed');
    };
    utility.send({ type: 'run', task });
    expect(killTree).toHaveBeenCalledWith(4242);
  });
});
