// Owns streaming one segment's frames through a lip-sync renderer into an encoder, a chunk at a
// time: what the lip-sync stage does and its benchmark measures, so both run the same loop.
//
// The encoder (an ffmpeg process) is the slowest part, so it must never wait for the renderer:
// the frames of chunk k are written while chunk k + 1 is decoded and rendered, and the first
// chunks are short, so it starts soon after the first frame is decoded. The lip-sync stage
// feeds ffmpeg from a thread of its own (ThreadedFrameEncoder), whose writes take a frame at once;
// for a sink written from this thread, where a frame moves through the pipe only while the thread
// is idle, the writes are not left to run beside the rendering's busy loops either: between each
// frame's share of the work (decoding, detection, paste) this thread waits for the write in
// flight and starts the next, paced to one frame written per frame rendered, so the frames
// waiting spread over the chunk instead of all going in its first steps.
import type { LipSyncSegmentRenderer, LipSyncStats } from './lip-syncer.js';

/** Frames decoded, rendered and encoded at a time: a few of them in memory, whatever the segment's length. */
export const renderChunkFrames = 16;

/**
 * The frames of the `index`-th chunk: 4, 8, then renderChunkFrames. The encoder gets nothing
 * until the first chunk is rendered, so a short first chunk sets it going sooner (at 720p some
 * 150 ms of a 4-second segment's 1.8 s); the model's batches are full-sized from the third.
 */
export function chunkFrames(index: number): number {
  return Math.min(renderChunkFrames, 4 << index);
}

/** Steps of work per frame that feed the writer: its decode, its detection and its paste. */
const stepsPerFrame = 3;

export interface FrameSink {
  write(frame: Uint8Array): Promise<void>;
}

/**
 * Pushes `frames` through `renderer` in chunks, writing what comes back to `encoder` in order, and
 * calls `onWritten` with the count so far after each chunk's worth of frames and at the end;
 * resolves to the renderer's counts. The encoder is the caller's to finish or abandon.
 */
export async function renderThrough(
  renderer: LipSyncSegmentRenderer,
  frames: AsyncIterable<Uint8Array>,
  encoder: FrameSink,
  onWritten?: (written: number) => Promise<void> | void,
): Promise<LipSyncStats> {
  const writer = new PacedWriter(encoder, onWritten);
  const step = () => writer.step();
  let chunk: Uint8Array[] = [];
  let chunks = 0;
  for await (const frame of frames) {
    writer.check();
    chunk.push(frame);
    await step();
    if (chunk.length < chunkFrames(chunks)) continue;
    writer.add(await renderer.push(chunk, step));
    chunk = [];
    chunks++;
  }
  if (chunk.length > 0) writer.add(await renderer.push(chunk, step));
  writer.add(await renderer.finish(step));
  await writer.drain();
  return renderer.stats;
}

/**
 * Writes frames to a sink in order, one write in flight at a time, a frame per `stepsPerFrame`
 * steps; more than a chunk waiting are written at once, so memory stays bounded whatever the pace.
 * A failed write stops the writing; the failure is thrown by the next `check`, `add` or `drain`
 * (never from `step`, which runs inside the renderer, whose own errors it would be mistaken for).
 */
export class PacedWriter {
  private readonly waiting: Uint8Array[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  private credit = 0;
  private written = 0;
  private reported = 0;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly sink: FrameSink,
    private readonly onWritten?: (written: number) => Promise<void> | void,
  ) {}

  add(frames: readonly Uint8Array[]): void {
    this.check();
    this.waiting.push(...frames);
  }

  /** One step of other work is done: writes a frame when the pace (or a long queue) says so. */
  async step(): Promise<void> {
    if (this.failure) return;
    this.credit = Math.min(this.credit + 1 / stepsPerFrame, 1);
    while (this.waiting.length > 0 && (this.credit >= 1 || this.waiting.length > renderChunkFrames) && !this.failure) {
      this.credit = Math.max(0, this.credit - 1);
      await this.writeNext();
    }
    if (this.reported + renderChunkFrames <= this.written && !this.failure) await this.report();
  }

  /** Writes everything waiting and waits until the pipe has taken it. */
  async drain(): Promise<void> {
    while (this.waiting.length > 0 && !this.failure) await this.writeNext();
    await this.inFlight;
    this.check();
    if (this.reported < this.written) await this.report();
  }

  /** Throws the failure of a write, if one failed. */
  check(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Waits for the write in flight, then starts the next one without waiting for it. */
  private async writeNext(): Promise<void> {
    await this.inFlight;
    if (this.failure) return;
    const frame = this.waiting.shift()!;
    this.inFlight = this.sink.write(frame).then(
      () => {
        this.written++;
      },
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
  }

  private async report(): Promise<void> {
    this.reported = this.written;
    await this.onWritten?.(this.written);
  }
}
