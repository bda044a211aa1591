// Owns streaming one segment's frames through a lip-sync renderer into an encoder, a chunk at a
// time: what the lip-sync stage does and its benchmark measures, so both run the same loop.
import type { LipSyncSegmentRenderer, LipSyncStats } from './lip-syncer.js';

/** Frames decoded, rendered and encoded at a time: a few of them in memory, whatever the segment's length. */
export const renderChunkFrames = 16;

/**
 * Pushes `frames` through `renderer` in chunks, writing what comes back to `encoder` in order, and
 * calls `onWritten` with the count so far after each batch; resolves to the renderer's counts.
 * The encoder is the caller's to finish or abandon.
 */
export async function renderThrough(
  renderer: LipSyncSegmentRenderer,
  frames: AsyncIterable<Uint8Array>,
  encoder: { write(frame: Uint8Array): Promise<void> },
  onWritten?: (written: number) => Promise<void> | void,
): Promise<LipSyncStats> {
  let written = 0;
  const emit = async (rendered: Uint8Array[]) => {
    for (const frame of rendered) await encoder.write(frame);
    written += rendered.length;
    await onWritten?.(written);
  };
  let chunk: Uint8Array[] = [];
  for await (const frame of frames) {
    chunk.push(frame);
    if (chunk.length < renderChunkFrames) continue;
    await emit(await renderer.push(chunk));
    chunk = [];
  }
  if (chunk.length > 0) await emit(await renderer.push(chunk));
  await emit(await renderer.finish());
  return renderer.stats;
}
