// Owns running ffmpeg or ffprobe with their pipes left to the caller, read and written at the
// caller's pace: run-ffmpeg.ts hands stdout to a listener as fast as it comes, which suits
// progress lines but not a stream of decoded frames or a packet list of a two-hour film, where
// the reader must be able to hold ffmpeg back. Cancelling, tracking and error wording match it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { RedubError } from '../../shared/errors.js';
import { trackChildProcess } from '../worker-host/child-processes.js';
import { resolveMediaTools } from './ffmpeg-binaries.js';
import { lastLines, spawnFailure } from './run-ffmpeg.js';

export interface ToolProcess {
  /** What the tool writes to pipe:1; while nobody reads it, the tool waits. */
  stdout: Readable;
  /** What the tool reads as pipe:0, when started with `stdin: true`. */
  stdin: Writable | null;
  /** Settles when the tool has exited: rejects with E_CANCELLED, E_DISK_FULL or E_FFMPEG_FAILED. */
  done: Promise<{ stderr: string }>;
  /** Kills the tool now, for a reader that wants no more of its output; `done` then resolves. */
  stop(): void;
}

const stderrKeptChars = 64 * 1024;
const killGraceMs = 3_000;

/** Starts `tool` with `args` (no banner; logging at error level unless `args` says otherwise). */
export function startTool(tool: 'ffmpeg' | 'ffprobe', args: string[], options: { signal?: AbortSignal; stdin?: boolean } = {}): ToolProcess {
  const { signal } = options;
  if (signal?.aborted) throw new RedubError('E_CANCELLED');
  const binary = resolveMediaTools()[tool];
  const child = spawn(binary, ['-hide_banner', ...args], { stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], windowsHide: true });
  // Reported to the worker's host, which kills it should this worker die before it ends.
  const untrack = child.pid === undefined ? () => undefined : trackChildProcess(child.pid, path.basename(binary));
  let stderr = '';
  let ending: 'aborted' | 'stopped' | null = null;
  let killTimer: NodeJS.Timeout | undefined;

  const kill = (reason: 'aborted' | 'stopped') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    ending ??= reason;
    // A tool blocked writing to a pipe nobody reads, or reading one nobody writes, only notices
    // the signal once the pipe moves: closing our ends unblocks it.
    child.stdout?.destroy();
    child.stdin?.destroy();
    child.kill(reason === 'stopped' ? 'SIGKILL' : 'SIGTERM');
    killTimer ??= setTimeout(() => child.kill('SIGKILL'), killGraceMs);
    killTimer.unref();
  };
  const onAbort = () => kill('aborted');
  signal?.addEventListener('abort', onAbort, { once: true });

  // A write to a tool that has exited fails with EPIPE: the exit itself is what gets reported.
  child.stdin?.on('error', () => undefined);
  child.stdout!.on('error', () => undefined);
  child.stderr!.on('data', (data: Buffer) => {
    stderr += data.toString('utf8');
    if (stderr.length > stderrKeptChars * 2) stderr = stderr.slice(-stderrKeptChars);
  });

  const done = new Promise<{ stderr: string }>((resolve, reject) => {
    const cleanUp = () => {
      untrack();
      signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanUp();
      reject(spawnFailure(binary, error));
    });
    child.on('close', (exitCode, killedBy) => {
      cleanUp();
      const kept = stderr.slice(-stderrKeptChars);
      if (ending === 'aborted') reject(new RedubError('E_CANCELLED'));
      else if (ending === 'stopped' || exitCode === 0) resolve({ stderr: kept });
      else reject(toolFailure(tool, kept, exitCode, killedBy));
    });
  });
  // Callers that stop early may never await it; the failure is theirs to ask for, not a crash.
  done.catch(() => undefined);
  return { stdout: child.stdout!, stdin: child.stdin, done, stop: () => kill('stopped') };
}

/** The RedubError for a tool that exited badly: a full disk by its own words, else what it said. */
export function toolFailure(tool: 'ffmpeg' | 'ffprobe', stderr: string, exitCode: number | null, killedBy: NodeJS.Signals | null): RedubError {
  const details = lastLines(stderr);
  const ending = killedBy ? `${tool} was stopped by ${killedBy}.` : `${tool} exited with code ${exitCode}.`;
  if (/No space left on device|ENOSPC/i.test(stderr)) return new RedubError('E_DISK_FULL', { details: [...details, ending] });
  const message = tool === 'ffprobe' ? 'ffprobe could not read the media.' : undefined;
  return new RedubError('E_FFMPEG_FAILED', { message, details: [...details, ending] });
}

/** Reads a tool's stdout line by line as it comes (a packet list can be hundreds of thousands). */
export async function* linesOf(stream: Readable): AsyncGenerator<string> {
  let pending = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) yield line.replace(/\r$/, '');
  }
  if (pending) yield pending.replace(/\r$/, '');
}

/** Writes `bytes` and resolves once the pipe has taken them: at most one write waits in memory. */
export function writeBytes(pipe: Writable, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => pipe.write(bytes, (error) => (error ? reject(error) : resolve())));
}
