// Patches an encoded dub track where its mix changed: only the stretches around the changed
// samples are encoded again, and their frames replace the same frames of a copy of the track's
// ADTS stream. One edited line of an hour's dub then costs a few seconds of encoding, not an hour.
//
// Why a splice is clean: it joins frames exactly as two encoders of aacSegments join (same grid,
// same pre-roll), and a frame depends only on the samples of its own two MDCT blocks and the
// encoder's look-ahead (one more frame) — so frames away from the changed samples, encoded from
// the same samples before, may stay, and the stretch encoded again starts and ends far enough out.
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { RedubError } from '../../shared/errors.js';
import { aacFrameSize, aacSegment, aacSegmentFrames, adtsFrameOffsets, encodeSegment, writeFailure, type AacSegment, type SegmentSource } from './aac-segments.js';

/** Frames re-encoded beyond the changed samples on each side: the MDCT window, the look-ahead, and one spare. */
const marginFrames = 4;
/** Stretches closer than this (about 5 s at 48 kHz) are encoded as one: another encoder costs more than the gap. */
const joinGapFrames = 240 * aacFrameSize;

export interface AacPatchOptions extends SegmentSource {
  /** The whole track's ADTS stream before the change (left as it is). */
  basePath: string;
  outPath: string;
  /** The track's length in frames (the same before and after). */
  frames: number;
  /** The frame ranges [from, to) whose samples changed. */
  changed: [number, number][];
  /** How many encoders may run at once. */
  encoders: number;
}

/** The segments that cover every changed range with margins, frame-aligned and merged when close. */
export function patchSegments(changed: [number, number][], frames: number): AacSegment[] {
  const spans = changed
    .filter(([from, to]) => to > from && from < frames)
    .map(([from, to]): [number, number] => [
      Math.max(0, (Math.floor(from / aacFrameSize) - marginFrames) * aacFrameSize),
      Math.min(frames, (Math.ceil(to / aacFrameSize) + marginFrames) * aacFrameSize),
    ])
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span[0] - last[1] < joinGapFrames) last[1] = Math.max(last[1], span[1]);
    else merged.push(span);
  }
  return merged.map(([from, to]) => aacSegment(from, to, frames));
}

/** Writes the patched stream to outPath; returns how many frames of the track were encoded again. */
export async function patchAac(options: AacPatchOptions): Promise<number> {
  const segments = patchSegments(options.changed, options.frames);
  const offsets = adtsFrameOffsets(options.basePath);
  const baseFrames = offsets.length - 1;
  // A stream shorter than the track is not this track's: splicing into it would misplace every frame.
  if (baseFrames < Math.ceil(options.frames / aacFrameSize) + 1) {
    throw new RedubError('E_STAGE_FAILED', { details: [`${options.basePath} holds ${baseFrames} AAC frames, too few for ${options.frames} samples.`] });
  }
  const parts = segments.map((_, index) => `${options.outPath}.patch${index}`);
  const stop = new AbortController();
  try {
    const kept = await inTurns(segments.length, options.encoders, async (index) => {
      try {
        return await encodeSegment(segments[index]!, parts[index]!, options, stop.signal, () => undefined);
      } catch (error) {
        stop.abort();
        throw error;
      }
    });
    splice(options, offsets, segments, parts, kept);
    return segments.reduce((sum, segment) => sum + segment.to - segment.from, 0);
  } catch (error) {
    throw writeFailure(error, options.outPath);
  } finally {
    for (const part of parts) rmSync(part, { force: true });
  }
}

/** Runs task(0 … count − 1) with at most `limit` at once; resolves to their results in order. */
async function inTurns<T>(count: number, limit: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const runner = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, runner));
  return results;
}

/** The base's frames, with each segment's frames in place of the same frames. */
function splice(options: AacPatchOptions, offsets: number[], segments: AacSegment[], parts: string[], kept: number[]): void {
  const output = openSync(options.outPath, 'w');
  const base = openSync(options.basePath, 'r');
  const buffer = Buffer.alloc(4 * 1024 * 1024);
  /** Bytes [from, to) of `input`; to null: to its end. */
  const copy = (input: number, from: number, to: number | null) => {
    for (let position = from; to === null || position < to; ) {
      const read = readSync(input, buffer, 0, to === null ? buffer.length : Math.min(buffer.length, to - position), position);
      if (read === 0 && to === null) return;
      if (read === 0) throw new RedubError('E_STAGE_FAILED', { details: [`${options.basePath} ended early while it was patched.`] });
      writeSync(output, buffer, 0, read);
      position += read;
    }
  };
  try {
    let frame = 0;
    for (const [index, segment] of segments.entries()) {
      const { from, to } = aacSegmentFrames(segment);
      if (to !== null && kept[index] !== to - from) {
        throw new RedubError('E_FFMPEG_FAILED', { details: [`The AAC encoder gave ${kept[index]} frames for a stretch of ${to - from}.`] });
      }
      copy(base, offsets[frame]!, offsets[from]!);
      const part = openSync(parts[index]!, 'r');
      try {
        copy(part, 0, null);
      } finally {
        closeSync(part);
      }
      frame = to ?? offsets.length - 1;
    }
    copy(base, offsets[frame]!, offsets.at(-1)!);
  } finally {
    closeSync(base);
    closeSync(output);
  }
}
