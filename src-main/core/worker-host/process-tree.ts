// Owns killing what a worker leaves behind: a process and every process it started, a whole
// process group, and waiting until they are really gone. A utility process is not a process-group
// leader the way a detached fork is, so `process.kill(-pid)` cannot take its ffmpeg children with
// it: the tree is read from the process table instead. Windows has taskkill /T for the same.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessEntry {
  pid: number;
  ppid: number;
}

/** Every descendant of `root` in the table, parents before their children. */
export function descendantsOf(root: number, table: readonly ProcessEntry[]): number[] {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of table) {
    if (pid === ppid) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const seen = new Set([root]);
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Parses `ps -A -o pid= -o ppid=` output. */
export function parseProcessTable(text: string): ProcessEntry[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((fields): fields is [number, number] => fields.length === 2 && fields.every((value) => Number.isInteger(value) && value >= 0))
    .map(([pid, ppid]) => ({ pid, ppid }));
}

/** The process table through `ps` (Linux, macOS), or /proc where ps is missing (slim Linux). */
export function readProcessTable(): ProcessEntry[] {
  const ps = spawnSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid='], { encoding: 'utf8' });
  if (ps.status === 0 && ps.stdout) return parseProcessTable(ps.stdout);
  const entries: ProcessEntry[] = [];
  try {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        // Field 4 of /proc/<pid>/stat, after the parenthesised command name (which may hold spaces).
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (Number.isInteger(ppid)) entries.push({ pid: Number(name), ppid });
      } catch {
        /* the process ended while we read */
      }
    }
  } catch {
    /* no /proc either: only the root itself can be killed */
  }
  return entries;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/**
 * SIGKILLs `pid` and all its descendants. The tree is read first and the root killed first, so it
 * cannot start another child while its children die; children it had are killed by pid even once
 * they have been re-parented.
 */
export function killProcessTree(pid: number, platform: NodeJS.Platform = process.platform): void {
  if (platform === 'win32') {
    spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    return;
  }
  const descendants = descendantsOf(pid, readProcessTable());
  killQuietly(pid);
  for (const child of descendants) killQuietly(child);
}

/**
 * Whether `pid` is a process that still runs. A killed orphan may linger as a zombie where
 * nothing reaps it (PID 1 of a container); it runs nothing and holds no file open, so it counts
 * as gone.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return processState(pid) !== 'Z';
}

/** The one-letter state of /proc/<pid>/stat (R, S, D, Z…), or null where /proc does not tell. */
function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || null;
  } catch {
    return null;
  }
}

/** Members of process group `groupId` that still run (not zombies); [] where /proc is missing
 * and the group is gone, [groupId] where /proc is missing and `kill -0` still reaches it. */
export function runningGroupMembers(groupId: number): number[] {
  try {
    const members: number[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // After the command name: state, ppid, pgrp.
        if (Number(fields[2]) === groupId && fields[0] !== 'Z') members.push(Number(name));
      } catch {
        /* the process ended while we read */
      }
    }
    return members;
  } catch {
    try {
      process.kill(-groupId, 0);
      return [groupId];
    } catch {
      return [];
    }
  }
}

/** SIGKILLs every process of group `groupId`; false when there was no such group. */
export function killProcessGroup(groupId: number): boolean {
  if (process.platform === 'win32') return false;
  try {
    process.kill(-groupId, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves once none of `pids` runs and, when given, group `groupId` has no running member; or
 * after `timeoutMs`, resolving with what still runs then (which the caller reports).
 */
export async function waitUntilGone(pids: readonly number[], groupId: number | null, timeoutMs = 2000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const remaining = [...new Set([...pids.filter(isRunning), ...(groupId === null || process.platform === 'win32' ? [] : runningGroupMembers(groupId))])];
    if (remaining.length === 0 || Date.now() >= deadline) return remaining;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * SIGKILLs helpers a dead worker reported, each only if its pid still runs that program: once a
 * helper has ended, its pid may belong to an unrelated process. Where /proc cannot tell (macOS),
 * the pid is trusted, as the report is at most one helper's lifetime old.
 */
export function killReportedChildren(children: readonly { pid: number; command: string }[]): void {
  for (const { pid, command } of children) {
    const running = commandOf(pid);
    if (running !== null && !running.includes(command.replace(/\.exe$/i, ''))) continue;
    killQuietly(pid);
  }
}

function commandOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return null;
  }
}
