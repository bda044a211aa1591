// Owns encoding RGB24 frames through an ffmpeg whose stdin is fed from a thread of its own
// (tool-thread.ts says why): written from the thread that also renders (FrameEncoder), the encoder
// waits whenever a model or a resize holds that thread; from this one it is fed meanwhile. Frames
// go over a few at a time: a pooled frame is shared with the thread, any other one's buffer is
// transferred there and back.
import { RedubError } from '../../shared/errors.js';
import { checkFrameSize, frameEncoderArguments, isWholeSharedFrame, rgbFrameBytes, type FrameEncoderOptions, type FramePool } from './raw-video.js';
import { SharedFrames, ToolThread } from './tool-thread.js';

/** Frames handed over and not yet in the pipe: enough to keep ffmpeg fed through a busy spell. */
const defaultDepth = 4;

/**
 * Writes each frame it is sent in order and answers once the pipe has it: a shared frame by its
 * number, a handed-over buffer by sending it back. 'end' closes stdin.
 */
const body = String.raw`
// A write to an ffmpeg that has exited fails with EPIPE: its exit is what gets reported.
child.stdin.on('error', () => undefined);
parentPort.on('message', (message) => {
  if (message === 'end') child.stdin.end();
  else if (message === 'destroy') child.stdin.destroy();
  else if (message instanceof ArrayBuffer) child.stdin.write(new Uint8Array(message), () => parentPort.postMessage({ buffer: message }, [message]));
  else child.stdin.write(message.frame, () => parentPort.postMessage({ slot: message.slot }));
});
`;

export interface ThreadedFrameEncoderOptions extends FrameEncoderOptions {
  /** Takes each frame back once ffmpeg's pipe has it. */
  pool?: FramePool;
  /** Frames handed over and not yet in the pipe before `write` waits. */
  depth?: number;
}

/**
 * FrameEncoder's promise, fed from a thread: `write` resolves once the frame is handed over (it
 * waits while `depth` frames are not yet in the pipe), and the frame is the encoder's until it
 * comes back to `pool`: a pooled frame is shared with the thread, any other frame's buffer is
 * handed over (the caller's view is emptied) or, for a view into a larger buffer, copied.
 * `finish` resolves once ffmpeg has written the output; a failed ffmpeg (disk full, bad
 * settings) is the error of the next call.
 */
export class ThreadedFrameEncoder {
  private readonly tool: ToolThread;
  private readonly frameSize: number;
  private readonly depth: number;
  private readonly shared = new SharedFrames();
  private pending = 0;
  private wake: (() => void) | undefined;
  private framesWritten = 0;

  constructor(options: ThreadedFrameEncoderOptions) {
    this.frameSize = rgbFrameBytes(options.width, options.height);
    this.depth = Math.max(1, options.depth ?? defaultDepth);
    const { pool } = options;
    this.tool = new ToolThread({
      args: frameEncoderArguments(options),
      stdio: ['pipe', 'ignore', 'pipe'],
      body,
      signal: options.signal,
      onMessage: (message) => {
        this.pending--;
        this.framesWritten++;
        const written = message as { slot: number } | { buffer: ArrayBuffer };
        pool?.give('slot' in written ? this.shared.back(written.slot) : new Uint8Array(written.buffer));
        this.wakeWriter();
      },
      onClosed: () => this.wakeWriter(),
    });
  }

  get frames(): number {
    return this.framesWritten;
  }

  /** Hands one frame to the encoder's thread; rejects with the encoder's own error if it has failed. */
  async write(frame: Uint8Array): Promise<void> {
    checkFrameSize(frame, this.frameSize);
    while (this.pending >= this.depth && !this.tool.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.tool.ended || this.tool.wasCancelled) throw await this.failure();
    this.pending++;
    if (isWholeSharedFrame(frame)) {
      this.tool.post(this.shared.lend(frame));
      return;
    }
    // Only a buffer that is the frame and nothing more can be handed over whole.
    const owned = frame.byteOffset === 0 && frame.buffer.byteLength === frame.byteLength && frame.buffer instanceof ArrayBuffer ? frame : frame.slice();
    this.tool.post(owned.buffer, [owned.buffer as ArrayBuffer]);
  }

  /** Ends the input and waits for ffmpeg to finish writing the output. */
  async finish(): Promise<void> {
    this.tool.post('end');
    await this.tool.close();
    const failed = await this.tool.failure();
    if (failed) throw failed;
  }

  /** Stops the encoder (its output is left unfinished) and waits until ffmpeg and the thread have ended. */
  async abandon(): Promise<void> {
    this.tool.kill('SIGTERM');
    await this.tool.close();
  }

  /** Why the encode cannot go on: cancelled, ffmpeg not started, or ffmpeg's own exit. */
  private async failure(): Promise<RedubError> {
    this.tool.post('destroy');
    return (await this.tool.failure()) ?? new RedubError('E_FFMPEG_FAILED', { details: ['ffmpeg ended before every frame was written to it.'] });
  }

  private wakeWriter(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
