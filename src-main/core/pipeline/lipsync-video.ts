// The video with the lip-synced segments in it: the smart cut (media/smart-cut.ts) re-encodes the
// groups of pictures that hold segment frames and copies the rest; the frames it asks for are the
// input's own, with each segment's re-rendered frames (the lip-sync stage's items) in their place.
import { probeVideoStream, type VideoStreamParameters } from '../media/video-packets.js';
import { readFramesThreaded } from '../media/threaded-frame-reader.js';
import { runFfprobeJson } from '../media/run-ffmpeg.js';
import { smartCutVideo, type SmartCutResult } from '../media/smart-cut.js';

export interface LipSyncedVideo {
  video: { width: number; height: number; fps: number };
  segments: { id: string; fromFrame: number; toFrame: number; file: string }[];
}

/**
 * Writes the input's video stream with the segments stitched in to `outputPath` (video only,
 * starting at 0 s). `offsetSeconds` is where that video belongs beside the input's other streams
 * once ffmpeg has read them: ffmpeg takes each input file's own start (its earliest stream's)
 * off its timestamps, so the input's video lands at its start less the file's, not at its start.
 */
export async function writeLipSyncedVideo(
  inputPath: string,
  lipsync: LipSyncedVideo,
  outputPath: string,
  options: { onProgress?: (fraction: number) => void; log: (line: string) => void },
): Promise<SmartCutResult & { offsetSeconds: number }> {
  const { width, height, fps } = lipsync.video;
  // Absolute, for seeking: the frame readers seek by the stream's own timestamps.
  const { startSeconds, offsetSeconds } = await videoTimeline(inputPath);
  const segments = [...lipsync.segments].sort((a, b) => a.fromFrame - b.fromFrame);
  async function* renderFrames(from: number, to: number): AsyncGenerator<Uint8Array> {
    const original = readFramesThreaded(inputPath, { fromFrame: from, frameCount: to - from, width, height, fps, startSeconds });
    let frame = from;
    try {
      for (const segment of segments) {
        if (segment.toFrame <= frame || segment.fromFrame >= to) continue;
        // The input's frames up to the segment, then the segment's own (the input's skipped alongside).
        for (; frame < segment.fromFrame; frame++) yield await next(original);
        const skip = frame - segment.fromFrame;
        const rendered = readFramesThreaded(segment.file, { fromFrame: skip, frameCount: Math.min(to, segment.toFrame) - frame, width, height, fps, startSeconds: 0 });
        try {
          for await (const replaced of rendered) {
            await next(original);
            yield replaced;
            frame++;
          }
        } finally {
          await rendered.return(undefined);
        }
      }
      for (; frame < to; frame++) yield await next(original);
    } finally {
      await original.return(undefined);
    }
  }
  const result = await smartCutVideo({
    inputPath,
    outputPath,
    ranges: segments.map((segment) => [segment.fromFrame, segment.toFrame] as const),
    renderFrames,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    log: options.log,
  });
  return { ...result, offsetSeconds };
}

/**
 * Where the input's video lies in time: its first timestamp (`startSeconds`, what seeking goes
 * by) and where its first frame shows on the file's timeline (`offsetSeconds`, its start less
 * the file's first timestamp over all streams), the timeline players, the dub and the segments
 * are on. A video that starts after its sound shows frame 0 that late.
 */
export async function videoTimeline(inputPath: string, probed?: VideoStreamParameters): Promise<{ startSeconds: number; offsetSeconds: number }> {
  const [stream, document] = await Promise.all([
    probed ?? probeVideoStream(inputPath),
    runFfprobeJson(['-show_entries', 'format=start_time', inputPath]) as Promise<{ format?: { start_time?: string } }>,
  ]);
  const startSeconds = stream.startSeconds ?? 0;
  const fileStart = Number(document.format?.start_time);
  return { startSeconds, offsetSeconds: Number.isFinite(fileStart) ? startSeconds - fileStart : 0 };
}

async function next(frames: AsyncGenerator<Uint8Array>): Promise<Uint8Array> {
  const { value, done } = await frames.next();
  if (done) throw new Error('The video ended before the frames the smart cut asked for.');
  return value;
}
