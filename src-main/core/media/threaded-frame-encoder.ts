// Owns encoding RGB24 frames through an ffmpeg whose stdin is fed from a thread of its own. A
// 720p frame is 2.7 MB and the pipe takes a few hundred kB at a time, so a frame goes in only as
// fast as the writing thread comes back to its event loop. Written from the thread that also
// renders (FrameEncoder), the encoder waits whenever a model or a resize holds that thread; from
// this one, whose loop does nothing else, it is fed while the rendering goes on. Frames move to
// the thread and back without being copied (their buffers are transferred), a few at a time.
//
// ffmpeg itself is still this thread's: the thread reports the pid, this side registers it with
// the worker's host (which kills it should the worker die) and kills it on cancel; the thread
// code needs nothing but Node, so it runs from source (tests) and from the bundle alike.
import { Worker } from 'node:worker_threads';
import { RedubError } from '../../shared/errors.js';
import { trackChildProcess } from '../worker-host/child-processes.js';
import { resolveMediaTools } from './ffmpeg-binaries.js';
import { checkFrameSize, frameEncoderArguments, rgbFrameBytes, type FrameEncoderOptions, type FramePool } from './raw-video.js';
import { failure, killGraceMs, spawnFailure, stderrKeptChars, type ProcessResult } from './run-ffmpeg.js';

/** Frames handed over and not yet in the pipe: enough to keep ffmpeg fed through a busy spell. */
const defaultDepth = 4;

/** Thread → this side. */
type ThreadMessage =
  | { type: 'spawned'; pid: number }
  | { type: 'spawn-failed'; code?: string; message: string }
  | { type: 'written'; buffer: ArrayBuffer }
  | ({ type: 'closed' } & ProcessResult);

/**
 * The thread: spawns ffmpeg, writes each buffer it is sent in order and sends it back once the
 * pipe has it; 'end' closes stdin, 'destroy' breaks it. CommonJS, Node's modules only.
 */
const threadSource = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const child = spawn(workerData.binary, workerData.args, { stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true });
let stderr = '';
child.stderr.on('data', (data) => {
  stderr += data.toString('utf8');
  if (stderr.length > workerData.keep * 2) stderr = stderr.slice(-workerData.keep);
});
// A write to an ffmpeg that has exited fails with EPIPE: its exit is what gets reported.
child.stdin.on('error', () => undefined);
child.on('spawn', () => parentPort.postMessage({ type: 'spawned', pid: child.pid }));
child.on('error', (error) => parentPort.postMessage({ type: 'spawn-failed', code: error.code, message: error.message }));
child.on('close', (exitCode, killedBy) => {
  parentPort.postMessage({ type: 'closed', exitCode, killedBy, stderr: stderr.slice(-workerData.keep) });
  parentPort.close();
});
parentPort.on('message', (message) => {
  if (message === 'end') child.stdin.end();
  else if (message === 'destroy') child.stdin.destroy();
  else child.stdin.write(new Uint8Array(message), () => parentPort.postMessage({ type: 'written', buffer: message }, [message]));
});
`;

export interface ThreadedFrameEncoderOptions extends FrameEncoderOptions {
  /** Takes each frame's buffer back once ffmpeg's pipe has it (the caller's frame is emptied when written). */
  pool?: FramePool;
  /** Frames handed over and not yet in the pipe before `write` waits. */
  depth?: number;
}

/**
 * FrameEncoder's promise, fed from a thread: `write` resolves once the frame is handed over (it
 * waits while `depth` frames are not yet in the pipe) and empties the frame it is given, whose
 * buffer comes back to `pool`; `finish` resolves once ffmpeg has written the output; a failed
 * ffmpeg (disk full, bad settings) is the error of the next call.
 */
export class ThreadedFrameEncoder {
  private readonly thread: Worker;
  private readonly frameSize: number;
  private readonly depth: number;
  private readonly pool: FramePool | undefined;
  private readonly signal: AbortSignal | undefined;
  private readonly closed: Promise<ProcessResult>;
  private pid: number | undefined;
  private untrack: () => void = () => undefined;
  private spawnError: RedubError | undefined;
  private ended: ProcessResult | undefined;
  private cancelled = false;
  /** Set by kill: an ffmpeg reported after it is killed at once. */
  private stopping = false;
  private killTimer: NodeJS.Timeout | undefined;
  private pending = 0;
  private wake: (() => void) | undefined;
  private framesWritten = 0;
  private readonly stopOnAbort = () => this.kill();

  constructor(options: ThreadedFrameEncoderOptions) {
    if (options.signal?.aborted) throw new RedubError('E_CANCELLED');
    this.frameSize = rgbFrameBytes(options.width, options.height);
    this.depth = Math.max(1, options.depth ?? defaultDepth);
    this.pool = options.pool;
    this.signal = options.signal;
    const binary = resolveMediaTools().ffmpeg;
    this.thread = new Worker(threadSource, {
      eval: true,
      workerData: { binary, args: ['-hide_banner', '-loglevel', 'error', ...frameEncoderArguments(options)], keep: stderrKeptChars },
    });
    this.closed = new Promise<ProcessResult>((resolve) => {
      const settle = (result: ProcessResult) => {
        this.untrack();
        if (this.killTimer) clearTimeout(this.killTimer);
        this.signal?.removeEventListener('abort', this.stopOnAbort);
        this.ended ??= result;
        this.wakeWriter();
        resolve(this.ended);
      };
      this.thread.on('message', (message: ThreadMessage) => {
        if (message.type === 'spawned') {
          this.pid = message.pid;
          this.untrack = trackChildProcess(message.pid, 'ffmpeg');
          if (this.stopping) this.kill();
        } else if (message.type === 'spawn-failed') {
          this.spawnError = spawnFailure(binary, Object.assign(new Error(message.message), { code: message.code }));
          settle({ exitCode: null, killedBy: null, stderr: '' });
        } else if (message.type === 'written') {
          this.pending--;
          this.framesWritten++;
          this.pool?.give(new Uint8Array(message.buffer));
          this.wakeWriter();
        } else {
          settle({ exitCode: message.exitCode, killedBy: message.killedBy, stderr: message.stderr });
        }
      });
      // The thread itself failing (out of memory) ends the encode as ffmpeg ending would.
      this.thread.on('error', (error) => {
        this.kill();
        settle({ exitCode: null, killedBy: null, stderr: String(error) });
      });
      this.thread.on('exit', () => settle(this.ended ?? { exitCode: null, killedBy: null, stderr: 'The encoder\'s thread ended before ffmpeg did.' }));
    });
    options.signal?.addEventListener('abort', this.stopOnAbort, { once: true });
  }

  get frames(): number {
    return this.framesWritten;
  }

  /** Hands one frame to the encoder's thread; rejects with the encoder's own error if it has failed. */
  async write(frame: Uint8Array): Promise<void> {
    checkFrameSize(frame, this.frameSize);
    while (this.pending >= this.depth && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.ended || this.cancelled) throw await this.failure();
    // Only a buffer that is the frame and nothing more can be handed over whole.
    const owned = frame.byteOffset === 0 && frame.buffer.byteLength === frame.byteLength && frame.buffer instanceof ArrayBuffer ? frame : frame.slice();
    this.pending++;
    this.thread.postMessage(owned.buffer, [owned.buffer as ArrayBuffer]);
  }

  /** Ends the input and waits for ffmpeg to finish writing the output. */
  async finish(): Promise<void> {
    if (!this.ended) this.thread.postMessage('end');
    const result = await this.closed;
    if (this.cancelled || this.spawnError || result.exitCode !== 0) throw await this.failure();
  }

  /** Stops the encoder (its output is left unfinished) and waits until ffmpeg and the thread have ended. */
  async abandon(): Promise<void> {
    if (!this.ended) this.thread.postMessage('destroy');
    this.kill();
    await this.closed;
    await this.thread.terminate();
  }

  /** Why the encode cannot go on: cancelled, ffmpeg not started, or ffmpeg's own exit. */
  private async failure(): Promise<RedubError> {
    if (!this.ended) this.thread.postMessage('destroy');
    const result = await this.closed;
    if (this.cancelled) return new RedubError('E_CANCELLED');
    if (this.spawnError) return this.spawnError;
    if (result.exitCode === 0) return new RedubError('E_FFMPEG_FAILED', { details: ['ffmpeg ended before every frame was written to it.'] });
    return failure('ffmpeg', result);
  }

  /** SIGTERM (ffmpeg flushes what it has), then SIGKILL for one stuck in I/O. */
  private kill(): void {
    if (this.signal?.aborted) this.cancelled = true;
    this.stopping = true;
    if (this.pid === undefined || this.ended) return;
    const pid = this.pid;
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(pid, name);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    this.killTimer ??= setTimeout(() => signal('SIGKILL'), killGraceMs);
    this.killTimer.unref();
  }

  private wakeWriter(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
