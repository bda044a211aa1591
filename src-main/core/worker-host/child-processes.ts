// Owns the list of helper processes (ffmpeg, ffprobe) this process has running. A worker tells
// its host about them, so that when the worker itself dies, the host can kill what it left
// running: a helper outlives its parent and would go on writing into the attempt's folder.
export interface ChildProcessEntry {
  pid: number;
  /** The program's file name (ffmpeg), checked before a kill so a reused pid is left alone. */
  command: string;
}

const running = new Map<number, ChildProcessEntry>();
const listeners = new Set<(children: ChildProcessEntry[]) => void>();

/** Records a started helper; the returned function records its end. */
export function trackChildProcess(pid: number, command: string): () => void {
  running.set(pid, { pid, command });
  announce();
  return () => {
    if (running.delete(pid)) announce();
  };
}

export function runningChildProcesses(): ChildProcessEntry[] {
  return [...running.values()];
}

export function onDidChangeChildProcesses(listener: (children: ChildProcessEntry[]) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function announce(): void {
  const children = runningChildProcesses();
  for (const listener of listeners) listener(children);
}
