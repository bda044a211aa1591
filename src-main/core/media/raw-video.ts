// Owns moving uncompressed pictures between Redub and ffmpeg: decoding exact frames of a video
// into RGB24 buffers, and encoding RGB24 buffers into a video. Frames travel through pipes, never
// as image files, and both directions hold at most about one frame in memory beyond ffmpeg's
// own, so an hour of 4K costs what a second of it does.
import { RedubError } from '../../shared/errors.js';
import { pipeFfmpeg, runFfprobeJson, type FfmpegPipe } from './run-ffmpeg.js';
import { startTool, writeBytes } from './tool-process.js';

export interface FrameRequest {
  /** Index of the first frame wanted, counting from 0 in presentation order. */
  fromFrame: number;
  frameCount: number;
  /** The size the frames come in (the video's own, or another it is scaled to). */
  width: number;
  height: number;
  /** The video's constant frame rate: frame n starts at n / fps after its first frame. */
  fps: number;
  /** The video stream's first timestamp in seconds; probed when not given. */
  startSeconds?: number;
  /** Where the frames' buffers come from; new ones are made when not given (or the pool is empty). */
  pool?: FramePool;
}

/**
 * Frame buffers handed back once their frame is done with, for the frames read next. A 720p frame
 * is 2.7 MB: made afresh for each frame, the buffers cost page faults to zero them and a full
 * garbage collection every few frames (V8 collects by the outside memory it is told of), some
 * 3 ms a frame on this machine; a segment's frames from a pool cost none after its first chunk.
 */
export class FramePool {
  private readonly free: Uint8Array[] = [];

  /** `limit` bounds what the pool holds on to: about the frames in flight at once. */
  constructor(
    readonly frameBytes: number,
    private readonly limit = 64,
  ) {}

  /**
   * A buffer of `frameBytes` whose old contents the caller overwrites whole. It is the whole of a
   * SharedArrayBuffer, so the threads that decode and encode frames share it instead of having it
   * handed to them and back for each frame (tool-thread.ts).
   */
  take(): Uint8Array {
    return this.free.pop() ?? new Uint8Array(new SharedArrayBuffer(this.frameBytes));
  }

  /** Hands back a frame nothing reads any more (one of another size, or not shared, is left to the collector). */
  give(frame: Uint8Array): void {
    if (isWholeSharedFrame(frame) && frame.byteLength === this.frameBytes && this.free.length < this.limit) this.free.push(frame);
  }
}

/** Whether `frame` is the whole of a SharedArrayBuffer (as FramePool makes them): only such a frame can be shared with a thread. */
export function isWholeSharedFrame(frame: Uint8Array): boolean {
  return frame.buffer instanceof SharedArrayBuffer && frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength;
}

/** Bytes of one RGB24 frame. */
export function rgbFrameBytes(width: number, height: number): number {
  return width * height * 3;
}

/**
 * Yields frames `fromFrame` … `fromFrame + frameCount - 1` of `inputPath`'s first video stream
 * as RGB24. ffmpeg seeks to the keyframe before the first one and decodes, dropping frames
 * until it (its accurate seek), so what comes out is exactly the frames asked for. Breaking out
 * of the loop stops ffmpeg; aborting `signal` rejects with E_CANCELLED.
 */
export async function* readFrames(inputPath: string, request: FrameRequest, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const args = await frameReaderArguments(inputPath, request, signal);
  if (args === null) return;
  const { frameCount, width, height } = request;
  const frameSize = rgbFrameBytes(width, height);
  const { pool } = request;
  const fresh = () => pool?.take() ?? new Uint8Array(frameSize);
  const tool = startTool('ffmpeg', ['-nostdin', '-v', 'error', ...args], { signal });

  let delivered = 0;
  let finished = false;
  try {
    let frame = fresh();
    let filled = 0;
    try {
      for await (const chunk of tool.stdout as AsyncIterable<Buffer>) {
        for (let offset = 0; offset < chunk.length; ) {
          const taken = Math.min(frameSize - filled, chunk.length - offset);
          frame.set(chunk.subarray(offset, offset + taken), filled);
          filled += taken;
          offset += taken;
          if (filled === frameSize) {
            delivered++;
            yield frame;
            frame = fresh();
            filled = 0;
          }
        }
      }
    } catch (error) {
      // The pipe closes under the reader when ffmpeg is cancelled: `done` says why.
      await tool.done;
      throw error;
    }
    await tool.done;
    finished = true;
    if (delivered < frameCount) throw tooFewFrames(inputPath, request, delivered);
  } finally {
    if (!finished) {
      tool.stop();
      await tool.done.catch(() => undefined);
    }
  }
}

/**
 * ffmpeg's arguments (after its log options) for decoding the frames `request` asks for to RGB24
 * on stdout; null when it asks for none. A request that makes no sense is E_INTERNAL, and a pool
 * of another frame size too.
 */
export async function frameReaderArguments(inputPath: string, request: FrameRequest, signal?: AbortSignal): Promise<string[] | null> {
  const { fromFrame, frameCount, width, height, fps } = request;
  if (!Number.isInteger(fromFrame) || fromFrame < 0 || !Number.isInteger(frameCount) || frameCount < 0 || !(fps > 0) || !(width > 0) || !(height > 0)) {
    throw new RedubError('E_INTERNAL', { details: [`readFrames was asked for ${frameCount} frames from ${fromFrame} at ${width}x${height}, ${fps} fps.`] });
  }
  if (request.pool && request.pool.frameBytes !== rgbFrameBytes(width, height)) {
    throw new RedubError('E_INTERNAL', { details: [`readFrames was given a pool of ${request.pool.frameBytes}-byte frames for ${width}x${height} RGB.`] });
  }
  if (frameCount === 0) return null;
  const seek: string[] = [];
  if (fromFrame > 0) {
    const startSeconds = request.startSeconds ?? (await videoStartSeconds(inputPath, signal));
    // Half a frame early: the frame before falls below the mark and is dropped, this one is
    // kept even where the container rounded its timestamp down.
    const target = startSeconds + (fromFrame - 0.5) / fps;
    // -seek_timestamp: the mark is a timestamp of the stream, not an offset from the file's start
    // (which an earlier audio stream can move).
    seek.push('-seek_timestamp', '1', '-ss', target.toFixed(6));
  }
  return [
    ...seek, '-i', inputPath,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    // Every decoded frame once: no duplicates or drops to fit a rate.
    '-vsync', 'passthrough',
    '-frames:v', String(frameCount),
    '-vf', `scale=${width}:${height}`, '-pix_fmt', 'rgb24',
    '-f', 'rawvideo', 'pipe:1',
  ];
}

/** A video that ended before the frames asked of it. */
export function tooFewFrames(inputPath: string, request: FrameRequest, delivered: number): RedubError {
  return new RedubError('E_FFMPEG_FAILED', {
    message: 'The video has fewer frames than were asked for.',
    details: [`Asked for ${request.frameCount} frames from frame ${request.fromFrame} of ${inputPath}; ffmpeg decoded ${delivered}.`],
  });
}

async function videoStartSeconds(inputPath: string, signal?: AbortSignal): Promise<number> {
  const document = (await runFfprobeJson(['-select_streams', 'v:0', '-show_entries', 'stream=start_time', inputPath], { signal })) as {
    streams?: Array<{ start_time?: string }>;
  };
  const start = Number(document.streams?.[0]?.start_time);
  return Number.isFinite(start) ? start : 0;
}

export interface FrameEncoderOptions {
  outputPath: string;
  width: number;
  height: number;
  /** Rate of the frames written, as ffmpeg reads it: "25", "30000/1001". */
  frameRate: string;
  /**
   * Everything between the input and the output path: codec, its settings, filters, muxer
   * options (e.g. ['-c:v', 'libx264', '-crf', '18', '-f', 'mp4']). The caller decides them.
   */
  encoderArgs: string[];
  signal?: AbortSignal;
}

/** A frame of another size than the encoder's is the caller's mistake: E_INTERNAL, before ffmpeg sees it. */
export function checkFrameSize(frame: Uint8Array, frameSize: number): void {
  if (frame.length !== frameSize) {
    throw new RedubError('E_INTERNAL', { details: [`A frame of ${frame.length} bytes was given to an encoder of ${frameSize}-byte frames.`] });
  }
}

/** ffmpeg's arguments (after its log options) for encoding RGB24 frames read from stdin. */
export function frameEncoderArguments(options: FrameEncoderOptions): string[] {
  return [
    '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${options.width}x${options.height}`, '-framerate', options.frameRate, '-i', 'pipe:0',
    ...options.encoderArgs,
    options.outputPath,
  ];
}

/**
 * Encodes RGB24 frames written to it, through ffmpeg's stdin. `write` resolves once the pipe has
 * taken the frame, so a caller that awaits it never gets more than a frame ahead of the encoder.
 */
export class FrameEncoder {
  private readonly pipe: FfmpegPipe;
  private readonly frameSize: number;
  private readonly stopOnAbort: () => void;
  private readonly signal: AbortSignal | undefined;
  private framesWritten = 0;

  constructor(options: FrameEncoderOptions) {
    const { width, height } = options;
    this.frameSize = rgbFrameBytes(width, height);
    this.signal = options.signal;
    this.pipe = pipeFfmpeg(frameEncoderArguments(options), { signal: options.signal, onStdout: () => undefined });
    // Rejections are read by finish() or write(); until then they must not count as unhandled.
    this.pipe.done.catch(() => undefined);
    // ffmpeg waiting on an empty pipe notices SIGTERM only once the pipe moves: close it.
    this.stopOnAbort = () => this.pipe.stdin.destroy();
    options.signal?.addEventListener('abort', this.stopOnAbort, { once: true });
  }

  get frames(): number {
    return this.framesWritten;
  }

  /** Hands one frame to the encoder; rejects with the encoder's own error if it has failed. */
  async write(frame: Uint8Array): Promise<void> {
    checkFrameSize(frame, this.frameSize);
    if (this.signal?.aborted) throw await this.failure(new RedubError('E_CANCELLED'));
    try {
      await writeBytes(this.pipe.stdin, frame);
    } catch (error) {
      throw await this.failure(error);
    }
    this.framesWritten++;
  }

  /** Ends the input and waits for ffmpeg to finish writing the output. */
  async finish(): Promise<void> {
    this.pipe.stdin.end();
    try {
      await this.pipe.done;
    } finally {
      this.signal?.removeEventListener('abort', this.stopOnAbort);
    }
  }

  /** Stops the encoder (its output is left unfinished) and waits until ffmpeg has exited. */
  async abandon(): Promise<void> {
    this.pipe.stdin.destroy();
    await this.pipe.done.catch(() => undefined);
    this.signal?.removeEventListener('abort', this.stopOnAbort);
  }

  /** A broken pipe means ffmpeg has exited: its exit (disk full, bad settings) is the error to report. */
  private async failure(writeError: unknown): Promise<unknown> {
    this.pipe.stdin.destroy();
    try {
      await this.pipe.done;
    } catch (exitError) {
      return exitError;
    }
    return writeError;
  }
}
