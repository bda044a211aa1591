// Kills a process and every process it started. A utility process is not a process-group leader
// the way a detached fork is, so `process.kill(-pid)` cannot take its ffmpeg children with it:
// the tree is read from the process table instead. Windows has taskkill /T for the same.
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
