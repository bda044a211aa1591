import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../helpers/cli.js';

const workerBundle = path.join(repositoryRoot, 'out', 'node', 'worker.js');
const fakeParentPort = path.join(import.meta.dirname, 'fixtures', 'fake-parent-port.mjs');

describe('worker entry under a utility process', () => {
  it.skipIf(!existsSync(workerBundle))('talks over process.parentPort when there is one (run `npm run build:node` first)', async () => {
    const child = spawn(process.execPath, ['--import', fakeParentPort, workerBundle], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, REDUB_PRELOAD_ENGINES: '' },
    });
    const messages: { type: string; taskId?: string; error?: { code: string } }[] = [];
    let pending = '';
    const seen = (predicate: (message: (typeof messages)[number]) => boolean) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not seen; got ${JSON.stringify(messages)}`)), 10_000);
        const check = () => {
          if (messages.some(predicate)) {
            clearTimeout(timer);
            resolve();
          } else setTimeout(check, 20);
        };
        check();
      });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        try {
          messages.push(JSON.parse(line) as (typeof messages)[number]);
        } catch {
          /* not a message */
        }
      }
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    await seen((message) => message.type === 'ready');
    await seen((message) => message.type === 'heartbeat');
    // A task the worker cannot run still gets its answer, through the same port.
    child.stdin.write(`${JSON.stringify({ type: 'run', task: { taskId: 't1', stage: 'no-such-stage', params: {}, outDir: '/tmp', artifactsRoot: '/tmp' } })}\n`);
    await seen((message) => message.type === 'failed' && message.taskId === 't1');
    child.stdin.write(`${JSON.stringify({ type: 'shutdown' })}\n`);
    expect(await exited).toBe(0);
  });
});
