import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { descendantsOf, isRunning, killProcessGroup, killProcessTree, killReportedChildren, parseProcessTable, readProcessTable, waitUntilGone } from '../../../src-main/core/worker-host/process-tree.js';

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('process tree', () => {
  it('finds every descendant, parents first, and survives cycles', () => {
    const table = [
      { pid: 1, ppid: 0 },
      { pid: 10, ppid: 1 },
      { pid: 11, ppid: 10 },
      { pid: 12, ppid: 10 },
      { pid: 13, ppid: 11 },
      { pid: 20, ppid: 1 },
      { pid: 30, ppid: 31 },
      { pid: 31, ppid: 30 },
    ];
    expect(descendantsOf(10, table)).toEqual([11, 12, 13]);
    expect(descendantsOf(13, table)).toEqual([]);
    expect(descendantsOf(30, table)).toEqual([31]);
  });

  it('parses ps output', () => {
    expect(parseProcessTable('    1     0\n  342     1\n\n garbage\n')).toEqual([{ pid: 1, ppid: 0 }, { pid: 342, ppid: 1 }]);
  });

  it.skipIf(process.platform === 'win32')('kills a real process and the processes it started (POSIX)', async () => {
    const root = spawn('sh', ['-c', 'sleep 60 & sleep 60'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => root.once('exit', resolve));
    const rootPid = root.pid!;
    let descendants: number[] = [];
    await waitFor(() => {
      descendants = descendantsOf(rootPid, readProcessTable());
      // Two sleeps, or one when the shell exec'd the last command itself.
      return descendants.length >= 1 && descendantsOf(rootPid, readProcessTable()).length === descendants.length;
    });
    expect([rootPid, ...descendants].every(isRunning)).toBe(true);

    killProcessTree(rootPid);

    await exited;
    await waitFor(() => descendants.every((pid) => !isRunning(pid)));
    expect(isRunning(rootPid)).toBe(false);
  });

  it.skipIf(process.platform !== 'linux')('kills a reported helper only while its pid still runs that program', async () => {
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => sleeper.once('exit', resolve));
    // A pid reused by another program since the report is left alone.
    killReportedChildren([{ pid: sleeper.pid!, command: 'ffmpeg' }]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isRunning(sleeper.pid!)).toBe(true);
    killReportedChildren([{ pid: sleeper.pid!, command: 'sleep' }]);
    await exited;
    expect(await waitUntilGone([sleeper.pid!], null, 1000)).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')('kills a whole process group, children that outlived their leader included', async () => {
    // The leader exits at once; its sleep lives on in the group, as a dead worker's ffmpeg does.
    const leader = spawn('sh', ['-c', 'sleep 60 & exit 0'], { stdio: 'ignore', detached: true });
    await new Promise((resolve) => leader.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await waitUntilGone([], leader.pid!, 0)).not.toEqual([]);
    expect(killProcessGroup(leader.pid!)).toBe(true);
    expect(await waitUntilGone([], leader.pid!, 2000)).toEqual([]);
  });
});
