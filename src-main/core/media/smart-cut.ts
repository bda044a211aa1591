// Owns writing the video with some frames re-rendered (the lip-synced ones) while keeping the rest
// of the picture exactly as it was: only the groups of pictures that hold re-rendered frames are
// encoded again, every other packet is copied. Where a stream cannot be cut at its keyframes the
// whole video is re-encoded from the renderer's frames instead, and the log says why.
import { mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { RedubError } from '../../shared/errors.js';
import type { RenderFrames } from './smart-cut-encode.js';
import { encodeRenderedStretch } from './smart-cut-encode.js';
import { CannotCut, cutAndJoin, reasonNotToCut } from './smart-cut-join.js';
import { defaultEncodeQuality, videoEncoders, wholeVideoArguments, type EncodeQuality } from './video-encoder-settings.js';
import { listVideoPackets, probeVideoStream, type VideoStreamParameters } from './video-packets.js';

export type { RenderFrames } from './smart-cut-encode.js';

export interface SmartCutOptions {
  inputPath: string;
  /** The video-only MP4 written (whatever its extension); it appears whole or not at all. */
  outputPath: string;
  /** Frame ranges [from, to) in presentation order that must be re-rendered; clamped to the video. */
  ranges: ReadonlyArray<readonly [number, number]>;
  /**
   * The frames [fromFrame, toFrame) as they should be, RGB24 at the video's own size. Called with
   * whole groups of pictures, so frames outside every range are asked for too (give them as they
   * are, e.g. through readFrames); called once more, over all frames, if the cut falls back.
   */
  renderFrames: RenderFrames;
  signal?: AbortSignal;
  /** 0–1, never decreasing. */
  onProgress?: (fraction: number) => void;
  /** One line per decision worth keeping in the job log (what was re-encoded, why it fell back). */
  log?: (line: string) => void;
  quality?: Partial<EncodeQuality>;
}

export interface SmartCutResult {
  reencodedFrames: number;
  totalFrames: number;
  method: 'smart-cut' | 'full-reencode';
  /** Why the whole video was re-encoded. */
  reason?: string;
}

export async function smartCutVideo(options: SmartCutOptions): Promise<SmartCutResult> {
  const { signal } = options;
  const log = options.log ?? (() => undefined);
  let reported = 0;
  const progress = (fraction: number) => {
    if (fraction <= reported) return;
    reported = Math.min(1, fraction);
    options.onProgress?.(reported);
  };
  for (const [from, to] of options.ranges) {
    if (!Number.isInteger(from) || !Number.isInteger(to) || from >= to) {
      throw new RedubError('E_INTERNAL', { details: [`A frame range to re-render must be whole frames [from, to) with from < to; got [${from}, ${to}).`] });
    }
  }
  const quality = { ...defaultEncodeQuality, ...options.quality };
  const stream = await probeVideoStream(options.inputPath, { signal });
  const encoders = await videoEncoders(signal);
  const workFolder = await mkdtemp(path.join(path.dirname(path.resolve(options.outputPath)), '.smart-cut-')).catch((error: NodeJS.ErrnoException) => {
    throw new RedubError(error.code === 'ENOSPC' ? 'E_DISK_FULL' : 'E_OUTPUT_NOT_WRITABLE', { details: [`Cannot create a work folder beside ${options.outputPath}: ${error.message}`] });
  });
  const resultPath = path.join(workFolder, 'video.mp4');
  try {
    let reason = reasonNotToCut(stream);
    if (reason === null) {
      try {
        const cut = await cutAndJoin({
          inputPath: options.inputPath, joinedPath: resultPath, workFolder, stream, ranges: options.ranges,
          render: options.renderFrames, quality, encoders, signal, progress, log,
        });
        await rename(resultPath, options.outputPath);
        progress(1);
        return { ...cut, method: 'smart-cut' };
      } catch (error) {
        if (!(error instanceof CannotCut)) throw error;
        reason = error.reason;
        await rm(resultPath, { force: true });
      }
    }
    log(`Re-encoding the whole video: ${reason}.`);
    const totalFrames = await reencodeWhole(options, stream, quality, encoders, resultPath, progress, log);
    await rename(resultPath, options.outputPath);
    progress(1);
    return { reencodedFrames: totalFrames, totalFrames, method: 'full-reencode', reason };
  } finally {
    await rm(workFolder, { recursive: true, force: true });
  }
}

async function reencodeWhole(
  options: SmartCutOptions,
  stream: VideoStreamParameters,
  quality: EncodeQuality,
  encoders: Map<string, Set<string>>,
  resultPath: string,
  progress: (fraction: number) => void,
  log: (line: string) => void,
): Promise<number> {
  const { signal } = options;
  const totalFrames = (await listVideoPackets(options.inputPath, { signal })).length;
  if (totalFrames === 0) throw new RedubError('E_FFMPEG_FAILED', { message: 'The video stream holds no frames.', details: [`File: ${options.inputPath}`] });
  // A varying rate cannot go through a pipe of bare frames: the average keeps the length.
  const rate = stream.averageFrameRate ?? stream.frameRate;
  if (!rate) throw new RedubError('E_FFMPEG_FAILED', { message: 'ffprobe did not say the video\'s frame rate.', details: [`File: ${options.inputPath}`] });
  const { args, encoder } = wholeVideoArguments(stream, quality, encoders);
  log(`Encoding all ${totalFrames} frames with ${encoder}.`);
  let done = 0;
  await encodeRenderedStretch({
    render: options.renderFrames,
    fromFrame: 0,
    toFrame: totalFrames,
    outputPath: resultPath,
    width: stream.width,
    height: stream.height,
    frameRate: `${rate.numerator}/${rate.denominator}`,
    encoderArgs: args,
    signal,
    onFrame: () => progress((0.97 * ++done) / totalFrames),
  });
  const written = (await listVideoPackets(resultPath, { signal })).length;
  if (written !== totalFrames) {
    throw new RedubError('E_FFMPEG_FAILED', { message: 'The re-encoded video does not have as many frames as the original.', details: [`${written} frames written, ${totalFrames} expected.`] });
  }
  return totalFrames;
}
