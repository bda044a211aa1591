// Owns running ffmpeg and ffprobe as child processes: progress, cancellation, and turning their
// failures into RedubErrors a person can read.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import path from 'node:path';
import { RedubError } from '../../shared/errors.js';
import { trackChildProcess } from '../worker-host/child-processes.js';
import { resolveMediaTools } from './ffmpeg-binaries.js';

export interface FfmpegRunOptions {
  /** Length of the media being written, so progress can be a fraction. */
  durationMs?: number;
  /** Called with 0–1, never decreasing, and with 1 when ffmpeg succeeds. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export const stderrKeptChars = 256 * 1024;
const detailLineCount = 8;
/** How long ffmpeg gets to exit after SIGTERM before SIGKILL. */
export const killGraceMs = 3_000;

/**
 * Reads the progress fraction from a piece of `-progress` output (key=value lines); null when
 * the piece holds no time. `out_time_ms` is in microseconds too: an old ffmpeg misnomer.
 */
export function parseFfmpegProgress(chunk: string, durationMs: number): number | null {
  let fraction: number | null = null;
  for (const line of chunk.split(/\r?\n/)) {
    const separator = line.indexOf('=');
    if (separator < 0) continue;
    const key = line.slice(0, separator).trim();
    const value = line.slice(separator + 1).trim();
    if (key === 'progress' && value === 'end') {
      fraction = 1;
    } else if ((key === 'out_time_us' || key === 'out_time_ms') && /^-?\d+$/.test(value) && durationMs > 0) {
      fraction = Math.min(1, Math.max(0, Number(value) / 1000 / durationMs));
    }
  }
  return fraction;
}

/** Runs ffmpeg with `args`; resolves with its stderr (the tail of it) when it exits cleanly. */
export async function runFfmpeg(args: string[], options: FfmpegRunOptions = {}): Promise<{ stderr: string }> {
  const { onProgress, durationMs = 0 } = options;
  let reported = -1;
  const report = (fraction: number | null) => {
    if (fraction === null || !onProgress || fraction <= reported) return;
    reported = fraction;
    onProgress(fraction);
  };
  let pending = '';
  const result = await runProcess(
    resolveMediaTools().ffmpeg,
    ['-hide_banner', '-nostdin', '-progress', 'pipe:1', '-nostats', ...args],
    options.signal,
    (data) => {
      // Only whole lines: a number split across two chunks would read as a smaller time.
      pending += data.toString('utf8');
      const lastNewline = pending.lastIndexOf('\n');
      if (lastNewline < 0) return;
      report(parseFfmpegProgress(pending.slice(0, lastNewline), durationMs));
      pending = pending.slice(lastNewline + 1);
    },
  );
  if (result.exitCode !== 0) throw failure('ffmpeg', result);
  report(1);
  return { stderr: result.stderr };
}

/** Runs ffprobe with JSON output and returns the parsed document. */
export async function runFfprobeJson(args: string[], options: { signal?: AbortSignal } = {}): Promise<unknown> {
  const chunks: Buffer[] = [];
  const result = await runProcess(
    resolveMediaTools().ffprobe,
    ['-v', 'error', '-print_format', 'json', ...args],
    options.signal,
    (data) => chunks.push(data),
  );
  if (result.exitCode !== 0) throw failure('ffprobe', result);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new RedubError('E_FFMPEG_FAILED', { message: 'ffprobe printed output that is not JSON.', details: lastLines(result.stderr) });
  }
}

export interface FfmpegPipe {
  /** What ffmpeg reads as `pipe:0`; write with writeToPipe, which waits for the pipe to take it. */
  stdin: Writable;
  /** Settles when ffmpeg exits: rejects with its error as runFfmpeg does. */
  done: Promise<{ stderr: string }>;
}

/**
 * Starts ffmpeg reading from a pipe (its input is `pipe:0` in `args`) and handing what it writes
 * to `pipe:1` to `onStdout`, so a track can be encoded while it is being made.
 */
export function pipeFfmpeg(args: string[], options: { signal?: AbortSignal; onStdout: (data: Buffer) => void }): FfmpegPipe {
  if (options.signal?.aborted) throw new RedubError('E_CANCELLED');
  let child: ChildProcess | undefined;
  const done = runProcess(resolveMediaTools().ffmpeg, ['-hide_banner', '-loglevel', 'error', ...args], options.signal, options.onStdout, (spawned) => (child = spawned)).then((result) => {
    if (result.exitCode !== 0) throw failure('ffmpeg', result);
    return { stderr: result.stderr };
  });
  const stdin = child!.stdin!;
  // A write to an ffmpeg that has exited fails with EPIPE: the exit itself is what gets reported.
  stdin.on('error', () => undefined);
  return { stdin, done };
}

/** Writes `samples` to a pipe and resolves once the pipe has taken them (rejects if it broke). */
export function writeToPipe(pipe: Writable, samples: Int16Array): Promise<void> {
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  return new Promise((resolve, reject) => pipe.write(bytes, (error) => (error ? reject(error) : resolve())));
}

export interface ProcessResult {
  exitCode: number | null;
  killedBy: NodeJS.Signals | null;
  stderr: string;
}

function runProcess(
  binary: string,
  args: string[],
  signal: AbortSignal | undefined,
  onStdout: (data: Buffer) => void,
  /** Given the child when its stdin is to be a pipe the caller writes to. */
  onSpawn?: (child: ChildProcess) => void,
): Promise<ProcessResult> {
  if (signal?.aborted) return Promise.reject(new RedubError('E_CANCELLED'));
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: [onSpawn ? 'pipe' : 'ignore', 'pipe', 'pipe'], windowsHide: true });
    onSpawn?.(child);
    // Reported to the worker's host, which kills it should this worker die before it ends.
    const untrack = child.pid === undefined ? () => undefined : trackChildProcess(child.pid, path.basename(binary));
    let stderr = '';
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;

    const onAbort = () => {
      aborted = true;
      child.kill('SIGTERM');
      // ffmpeg flushes its outputs on SIGTERM; one stuck in I/O gets no second chance.
      killTimer = setTimeout(() => child.kill('SIGKILL'), killGraceMs);
      killTimer.unref();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const cleanUp = () => {
      untrack();
      signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
    };

    child.stdout!.on('data', onStdout);
    child.stderr!.on('data', (data: Buffer) => {
      stderr += data.toString('utf8');
      if (stderr.length > stderrKeptChars * 2) stderr = stderr.slice(-stderrKeptChars);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanUp();
      reject(spawnFailure(binary, error));
    });
    child.on('close', (exitCode, killedBy) => {
      cleanUp();
      if (aborted) {
        reject(new RedubError('E_CANCELLED'));
        return;
      }
      resolve({ exitCode, killedBy, stderr: stderr.slice(-stderrKeptChars) });
    });
  });
}

/** What a run that ended badly reports: E_DISK_FULL where ffmpeg says so, else E_FFMPEG_FAILED with its last lines. */
export function failure(tool: 'ffmpeg' | 'ffprobe', result: ProcessResult): RedubError {
  const details = lastLines(result.stderr);
  const ending = result.killedBy ? `${tool} was stopped by ${result.killedBy}.` : `${tool} exited with code ${result.exitCode}.`;
  if (/No space left on device|ENOSPC/i.test(result.stderr)) {
    return new RedubError('E_DISK_FULL', { details: [...details, ending] });
  }
  const message = tool === 'ffprobe' ? 'ffprobe could not read the media.' : undefined;
  return new RedubError('E_FFMPEG_FAILED', { message, details: [...details, ending] });
}

/** The last few non-empty stderr lines: where ffmpeg says what actually went wrong. */
export function lastLines(text: string, count = detailLineCount): string[] {
  return text
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-count);
}

/** Why ffmpeg or ffprobe did not start, as a person reads it: missing (or not runnable) is E_FFMPEG_MISSING. */
export function spawnFailure(binary: string, error: NodeJS.ErrnoException): RedubError {
  const missing = error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'ENOEXEC';
  return new RedubError(missing ? 'E_FFMPEG_MISSING' : 'E_FFMPEG_FAILED', { details: [`${binary}: ${error.message}`] });
}
