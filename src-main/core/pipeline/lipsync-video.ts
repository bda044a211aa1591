// The video with the lip-synced segments in it: the smart cut (media/smart-cut.ts) re-encodes the
// groups of pictures that hold segment frames and copies the rest; the frames it asks for are the
// input's own, with each segment's re-rendered frames (the lip-sync stage's items) in their place.
import { probeVideoStream } from '../media/video-packets.js';
import { readFrames } from '../media/raw-video.js';
import { smartCutVideo, type SmartCutResult } from '../media/smart-cut.js';

export interface LipSyncedVideo {
  video: { width: number; height: number; fps: number };
  segments: { id: string; fromFrame: number; toFrame: number; file: string }[];
}

/** Writes the input's video stream with the segments stitched in to `outputPath` (video only, starting at 0 s). */
export async function writeLipSyncedVideo(
  inputPath: string,
  lipsync: LipSyncedVideo,
  outputPath: string,
  options: { onProgress?: (fraction: number) => void; log: (line: string) => void },
): Promise<SmartCutResult & { startSeconds: number }> {
  const { width, height, fps } = lipsync.video;
  const startSeconds = (await probeVideoStream(inputPath)).startSeconds ?? 0;
  const segments = [...lipsync.segments].sort((a, b) => a.fromFrame - b.fromFrame);
  async function* renderFrames(from: number, to: number): AsyncGenerator<Uint8Array> {
    const original = readFrames(inputPath, { fromFrame: from, frameCount: to - from, width, height, fps, startSeconds });
    let frame = from;
    try {
      for (const segment of segments) {
        if (segment.toFrame <= frame || segment.fromFrame >= to) continue;
        // The input's frames up to the segment, then the segment's own (the input's skipped alongside).
        for (; frame < segment.fromFrame; frame++) yield await next(original);
        const skip = frame - segment.fromFrame;
        const rendered = readFrames(segment.file, { fromFrame: skip, frameCount: Math.min(to, segment.toFrame) - frame, width, height, fps, startSeconds: 0 });
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
  return { ...result, startSeconds };
}

async function next(frames: AsyncGenerator<Uint8Array>): Promise<Uint8Array> {
  const { value, done } = await frames.next();
  if (done) throw new Error('The video ended before the frames the smart cut asked for.');
  return value;
}
