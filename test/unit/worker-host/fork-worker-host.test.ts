import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForkWorkerHost } from '../../../src-main/core/worker-host/fork-worker-host.js';
import { isRunning } from '../../../src-main/core/worker-host/process-tree.js';
import type { WorkerMessage } from '../../../src-main/core/worker-host/protocol.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const directory = useTemporaryDirectory('redub-fork-host-');

/** A worker that says it is ready at once, with its environment's REDUB_PRELOAD_ENGINES, then beats. */
function fakeWorkerEntry(): string {
  const entry = path.join(directory(), 'worker.mjs');
  writeFileSync(
    entry,
    `import { writeFileSync } from 'node:fs';
     writeFileSync(${JSON.stringify(path.join(directory(), 'pid'))}, String(process.pid));
     process.send({ type: 'ready', pid: process.pid });
     process.send({ type: 'log', taskId: 'env', level: 'info', message: process.env.REDUB_PRELOAD_ENGINES ?? '' });
     setInterval(() => process.send({ type: 'heartbeat' }), 20);
     process.on('disconnect', () => process.exit(0));`,
  );
  return entry;
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(process.platform === 'win32')('ForkWorkerHost.prestart', () => {
  it('hands the worker it started ahead to the next spawn, with what it said before anyone listened', async () => {
    const host = new ForkWorkerHost(fakeWorkerEntry());
    host.prestart({ REDUB_PRELOAD_ENGINES: 'tts' });
    // Long enough for 'ready' and several heartbeats to arrive with no listener yet.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const worker = host.spawn();
    const messages: WorkerMessage[] = [];
    worker.onMessage((message) => messages.push(message));
    try {
      expect(messages[0]).toEqual({ type: 'ready', pid: worker.pid });
      expect(messages[1]).toMatchObject({ type: 'log', message: 'tts' });
      // Heartbeats from before are not kept (the pool counts from when it takes the worker); later ones arrive.
      expect(messages.filter((message) => message.type === 'heartbeat')).toEqual([]);
      await waitFor(() => messages.some((message) => message.type === 'heartbeat'));
      // The next spawn forks a new worker, without the prestarted one's environment.
      const second = host.spawn();
      const secondMessages: WorkerMessage[] = [];
      second.onMessage((message) => secondMessages.push(message));
      await waitFor(() => secondMessages.length >= 2);
      expect(second.pid).not.toBe(worker.pid);
      expect(secondMessages[1]).toMatchObject({ type: 'log', message: '' });
      second.killTree();
    } finally {
      worker.killTree();
    }
  });

  it('release() kills a prestarted worker that no pool took, and the next spawn forks afresh', async () => {
    const host = new ForkWorkerHost(fakeWorkerEntry());
    host.prestart();
    const pidFile = path.join(directory(), 'pid');
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '');
    const prestarted = Number(readFileSync(pidFile, 'utf8'));
    expect(isRunning(prestarted)).toBe(true);
    host.release();
    await waitFor(() => !isRunning(prestarted));
    const fresh = host.spawn();
    try {
      expect(fresh.pid).not.toBe(prestarted);
    } finally {
      fresh.killTree();
    }
  });
});
