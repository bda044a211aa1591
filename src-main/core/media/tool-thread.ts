// Owns an ffmpeg whose pipe is served from a thread of its own. A 720p RGB frame is 2.7 MB and a
// pipe moves a few hundred kB at a time, so a frame gets through only as fast as the thread at its
// end comes back to its event loop: served from the thread that renders, ffmpeg waits whenever a
// model or a resize holds that thread; from a thread whose loop does nothing else it goes on.
// Frames move to the thread and back without being copied: a pooled frame lives on a
// SharedArrayBuffer, which the thread sees as it is, and comes back as a number (SharedFrames);
// no buffer is handed over and back, which costs this side a new 2.7 MB buffer object a frame.
//
// ffmpeg itself stays this side's: the thread reports the pid, this side registers it with the
// worker's host (which kills it should the worker die) and kills it on cancel. The thread's code
// needs nothing but Node, so it runs from source (tests) and from the bundle alike.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { RedubError } from '../../shared/errors.js';
import { trackChildProcess } from '../worker-host/child-processes.js';
import { resolveMediaTools } from './ffmpeg-binaries.js';
import { failure, killGraceMs, spawnFailure, stderrKeptChars, type ProcessResult } from './run-ffmpeg.js';

/** The thread's own messages; a body's other messages go to the owner's handler. */
type LifeMessage = { type: 'spawned'; pid: number } | { type: 'spawn-failed'; code?: string; message: string } | ({ type: 'closed' } & ProcessResult);

/**
 * What every such thread runs before its body: spawns `workerData.binary` with `workerData.args`
 * and `workerData.stdio` as `child`, keeps the end of its stderr and reports its start and exit.
 * The body (CommonJS, Node's modules only) serves the pipe and reads `parentPort` for messages;
 * 'destroy' must break its end of the pipe, so an ffmpeg blocked on it notices a signal, and
 * let go of anything it holds back (see closing.wait).
 */
const prelude = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const child = spawn(workerData.binary, workerData.args, { stdio: workerData.stdio, windowsHide: true });
let stderr = '';
child.stderr.on('data', (data) => {
  stderr += data.toString('utf8');
  if (stderr.length > workerData.keep * 2) stderr = stderr.slice(-workerData.keep);
});
child.on('spawn', () => parentPort.postMessage({ type: 'spawned', pid: child.pid }));
child.on('error', (error) => parentPort.postMessage({ type: 'spawn-failed', code: error.code, message: error.message }));
// A body that still holds some of ffmpeg's output when it exits replaces closing.wait, calling
// done once that output has been sent: the exit must reach this side after everything before it.
const closing = { wait: (done) => done() };
child.on('close', (exitCode, killedBy) => closing.wait(() => {
  parentPort.postMessage({ type: 'closed', exitCode, killedBy, stderr: stderr.slice(-workerData.keep) });
  parentPort.close();
}));
`;

export interface ToolThreadOptions {
  /** ffmpeg's arguments after its log options. */
  args: string[];
  stdio: ['pipe' | 'ignore', 'pipe' | 'ignore', 'pipe'];
  /** The thread's code after the prelude. */
  body: string;
  /** More for the body to read from `workerData`. */
  data?: Record<string, unknown>;
  /** The body's own messages, in the order it sent them (all before the exit is known). */
  onMessage(message: unknown): void;
  /** Called once ffmpeg has exited (or could not start), before `closed` resolves. */
  onClosed?(): void;
  signal?: AbortSignal;
}

/** ffmpeg in a thread: its start, its exit, and stopping it. */
export class ToolThread {
  /** Resolves once ffmpeg has exited, could not start, or the thread died. */
  readonly closed: Promise<ProcessResult>;
  private readonly thread: Worker;
  private readonly signal: AbortSignal | undefined;
  private pid: number | undefined;
  private untrack: () => void = () => undefined;
  private spawnError: RedubError | undefined;
  private result: ProcessResult | undefined;
  private cancelled = false;
  /** Set by kill: an ffmpeg reported after it is killed at once. */
  private stopping: NodeJS.Signals | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private readonly stopOnAbort = () => this.kill('SIGTERM');

  constructor(options: ToolThreadOptions) {
    if (options.signal?.aborted) throw new RedubError('E_CANCELLED');
    this.signal = options.signal;
    const binary = resolveMediaTools().ffmpeg;
    this.thread = new Worker(prelude + options.body, {
      eval: true,
      workerData: { ...options.data, binary, args: ['-hide_banner', '-loglevel', 'error', ...options.args], stdio: options.stdio, keep: stderrKeptChars },
    });
    this.closed = new Promise<ProcessResult>((resolve) => {
      const settle = (result: ProcessResult) => {
        if (this.result) return;
        this.result = result;
        this.untrack();
        if (this.killTimer) clearTimeout(this.killTimer);
        this.signal?.removeEventListener('abort', this.stopOnAbort);
        options.onClosed?.();
        resolve(result);
      };
      this.thread.on('message', (message: LifeMessage | { type?: undefined }) => {
        if (message.type === 'spawned') {
          this.pid = message.pid;
          this.untrack = trackChildProcess(message.pid, path.basename(binary));
          if (this.stopping) this.kill(this.stopping);
        } else if (message.type === 'spawn-failed') {
          this.spawnError = spawnFailure(binary, Object.assign(new Error(message.message), { code: message.code }));
          settle({ exitCode: null, killedBy: null, stderr: '' });
        } else if (message.type === 'closed') {
          settle({ exitCode: message.exitCode, killedBy: message.killedBy, stderr: message.stderr });
        } else {
          options.onMessage(message);
        }
      });
      // The thread itself failing (out of memory) ends the run as ffmpeg ending would.
      this.thread.on('error', (error) => {
        this.kill('SIGKILL');
        settle({ exitCode: null, killedBy: null, stderr: String(error) });
      });
      this.thread.on('exit', () => settle({ exitCode: null, killedBy: null, stderr: 'The thread serving ffmpeg ended before ffmpeg did.' }));
    });
    options.signal?.addEventListener('abort', this.stopOnAbort, { once: true });
  }

  /** Whether ffmpeg has exited (or never started). */
  get ended(): boolean {
    return this.result !== undefined;
  }

  get wasCancelled(): boolean {
    return this.cancelled;
  }

  post(message: unknown, transfer?: ArrayBuffer[]): void {
    if (!this.result) this.thread.postMessage(message, transfer ?? []);
  }

  /**
   * Why the run did not end well, once it has ended: cancelled, ffmpeg not started, or ffmpeg's
   * own exit (a full disk is E_DISK_FULL); null for an ffmpeg that exited with 0.
   */
  async failure(): Promise<RedubError | null> {
    const result = await this.closed;
    if (this.cancelled) return new RedubError('E_CANCELLED');
    if (this.spawnError) return this.spawnError;
    return result.exitCode === 0 ? null : failure('ffmpeg', result);
  }

  /**
   * Breaks the pipe and signals ffmpeg: SIGTERM lets it flush what it has (then SIGKILL for one
   * stuck in I/O); SIGKILL for one whose output nobody wants. A cancel is noted as the reason.
   */
  kill(signal: NodeJS.Signals): void {
    if (this.signal?.aborted) this.cancelled = true;
    this.stopping ??= signal;
    this.post('destroy');
    if (this.pid === undefined || this.result) return;
    const pid = this.pid;
    const send = (name: NodeJS.Signals) => {
      try {
        process.kill(pid, name);
      } catch {
        // already gone
      }
    };
    send(signal);
    if (signal === 'SIGKILL') return;
    this.killTimer ??= setTimeout(() => send('SIGKILL'), killGraceMs);
    this.killTimer.unref();
  }

  /** Waits until ffmpeg has exited, then ends the thread. */
  async close(): Promise<ProcessResult> {
    const result = await this.closed;
    await this.thread.terminate();
    return result;
  }
}

/** A frame shared with a thread, and the number it is answered by. */
export interface SharedFrameMessage {
  slot: number;
  frame: Uint8Array;
}

/**
 * The frames lent to one thread until it answers with their numbers. Only a frame that is the
 * whole of a SharedArrayBuffer can be shared (isWholeSharedFrame; FramePool makes them so);
 * nothing is kept of a frame once it is answered for.
 */
export class SharedFrames {
  private readonly lent = new Map<number, Uint8Array>();
  private next = 0;

  /** What to post for `frame` (a whole shared frame). */
  lend(frame: Uint8Array): SharedFrameMessage {
    const slot = this.next++;
    this.lent.set(slot, frame);
    return { slot, frame };
  }

  /** The frame a thread answers for; a number never lent, or answered twice, is this code's mistake. */
  back(slot: number): Uint8Array {
    const frame = this.lent.get(slot);
    if (!frame) throw new RedubError('E_INTERNAL', { details: [`A thread answered for frame ${slot}, which it did not hold.`] });
    this.lent.delete(slot);
    return frame;
  }
}
