// Owns encoding one stretch of re-rendered frames: pulling them from the caller's renderer one at
// a time and pushing them into an encoder, so neither side runs ahead by more than a frame, and
// holding the renderer to its word (exactly the frames asked for, each the right size).
import { RedubError } from '../../shared/errors.js';
import { checkFrameSize, FramePool, rgbFrameBytes, type FrameEncoderOptions } from './raw-video.js';
import { ThreadedFrameEncoder } from './threaded-frame-encoder.js';

/** Makes frames [fromFrame, toFrame) of the video as they should look, RGB24, in order. */
export type RenderFrames = (fromFrame: number, toFrame: number) => AsyncIterable<Uint8Array>;

/** A stretch to re-render: the frames, and the encoder they go to (as FrameEncoder takes it). */
export interface RenderedStretch extends FrameEncoderOptions {
  render: RenderFrames;
  fromFrame: number;
  toFrame: number;
  /** Called after each frame the encoder has taken. */
  onFrame?: () => void;
}

/** Encodes the rendered frames of one stretch into `outputPath`; the encoder is gone when this settles. */
export async function encodeRenderedStretch(stretch: RenderedStretch): Promise<void> {
  const wanted = stretch.toFrame - stretch.fromFrame;
  const { outputPath, width, height, frameRate, encoderArgs, signal } = stretch;
  // Fed from a thread of its own, so the encoder goes on while this thread decodes or renders. It
  // gets a copy of each frame (pooled, so shared with its thread): the renderer's frames stay
  // the renderer's, which may hold on to one or use it again.
  const pool = new FramePool(rgbFrameBytes(width, height));
  const encoder = new ThreadedFrameEncoder({ outputPath, width, height, frameRate, encoderArgs, pool, ...(signal ? { signal } : {}) });
  // Counted here: the encoder's own count is of the frames its thread has put in the pipe.
  let given = 0;
  try {
    for await (const frame of stretch.render(stretch.fromFrame, stretch.toFrame)) {
      if (given >= wanted) throw renderMismatch(stretch, `more than ${wanted}`);
      checkFrameSize(frame, pool.frameBytes);
      const copy = pool.take();
      copy.set(frame);
      await encoder.write(copy);
      given++;
      stretch.onFrame?.();
    }
    if (stretch.signal?.aborted) throw new RedubError('E_CANCELLED');
    if (given !== wanted) throw renderMismatch(stretch, String(given));
    await encoder.finish();
  } catch (error) {
    await encoder.abandon();
    throw error;
  }
}

function renderMismatch(stretch: RenderedStretch, given: string): RedubError {
  return new RedubError('E_INTERNAL', {
    details: [`Frames ${stretch.fromFrame}–${stretch.toFrame - 1} were to be re-rendered (${stretch.toFrame - stretch.fromFrame} frames); the renderer gave ${given}.`],
  });
}
