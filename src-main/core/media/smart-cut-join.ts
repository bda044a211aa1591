// Owns the smart cut itself: copy the original's video stream, re-encode only the groups of
// pictures the ranges touch, join everything with the concat demuxer stream-copying, and check
// the seams before anyone sees the file. Anything that shows the stream cannot be cut this way
// throws CannotCut with the reason, and the caller re-encodes the whole video instead.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RedubError } from '../../shared/errors.js';
import { layoutVideo, type VideoLayout } from './gop-layout.js';
import { freeParameterSetId, parseAvcConfiguration } from './h264-parameter-sets.js';
import { replaceAvcHeader } from './mp4-avc-header.js';
import { runFfmpeg } from './run-ffmpeg.js';
import { encodeRenderedStretch, type RenderFrames } from './smart-cut-encode.js';
import { concatScript, planPieces, type PlanPiece } from './smart-cut-plan.js';
import { matchingH264Arguments, type EncodeQuality } from './video-encoder-settings.js';
import { listVideoPackets, probeVideoStream, type Rational, type VideoPacket, type VideoStreamParameters } from './video-packets.js';

export class CannotCut extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface JoinRequest {
  inputPath: string;
  /** Where the joined video is written (MP4); the caller moves it into place. */
  joinedPath: string;
  workFolder: string;
  stream: VideoStreamParameters;
  ranges: ReadonlyArray<readonly [number, number]>;
  render: RenderFrames;
  quality: EncodeQuality;
  encoders: Map<string, Set<string>>;
  signal?: AbortSignal;
  /** 0–1 of the whole cut. */
  progress: (fraction: number) => void;
  log: (line: string) => void;
}

/** Why an H.264 stream cannot be cut before anything is copied, or null. */
export function reasonNotToCut(stream: VideoStreamParameters): string | null {
  if (stream.codec !== 'h264') return `the video is ${stream.codec}, and only H.264 is cut at its keyframes`;
  if (stream.fieldOrder && stream.fieldOrder !== 'progressive') return 'the video is interlaced';
  const header = stream.extradata && parseAvcConfiguration(stream.extradata);
  if (!header) return 'its H.264 header is not an avcC record (the stream keeps its parameter sets in-band)';
  if (header.nalLengthSize !== 4) return `its H.264 packets use ${header.nalLengthSize}-byte lengths, which a libx264 piece cannot match`;
  if (freeParameterSetId(header) === null) return 'its H.264 header leaves no parameter-set id free for re-encoded pieces';
  return null;
}

export async function cutAndJoin(request: JoinRequest): Promise<{ reencodedFrames: number; totalFrames: number }> {
  const { workFolder, signal } = request;
  const header = parseAvcConfiguration(request.stream.extradata!)!;
  // The video alone, packets untouched: the concat demuxer ends a piece at the first packet of
  // any stream past its out point, so an audio track interleaved ahead would cut video short.
  const sourcePath = path.join(workFolder, 'source.mp4');
  await withReason('its video stream could not be copied out', () =>
    runFfmpeg(['-y', '-i', request.inputPath, '-map', `0:${request.stream.index}`, '-c', 'copy', '-an', '-sn', '-dn', '-f', 'mp4', sourcePath], { signal }),
  );
  // The copy's time base is MP4's (a Matroska 1/1000 becomes 1/16000); its timestamps are what
  // the pieces are cut and joined by. Colour and the rest stay the original's, which MP4 may not keep.
  const stream: VideoStreamParameters = { ...request.stream, timeBase: (await probeVideoStream(sourcePath, { signal })).timeBase };
  request.progress(0.05);

  const packets = await listVideoPackets(sourcePath, { signal });
  const { layout, frameRate } = layoutOf(packets, stream);
  const ranges = request.ranges.map(([from, to]) => [Math.max(0, from), Math.min(layout.frameCount, to)] as const).filter(([from, to]) => from < to);
  const pieces = planPieces(layout, ranges);
  const encoded = pieces.filter((piece) => piece.kind === 'encode');
  const reencodedFrames = encoded.reduce((sum, piece) => sum + piece.endFrame - piece.firstFrame, 0);
  const longestGroup = Math.max(...layout.groups.map((group) => group.endFrame - group.firstFrame));
  const piecePath = (piece: PlanPiece) => path.join(workFolder, `frames-${piece.firstFrame}-${piece.endFrame}.mp4`);
  request.log(`Smart cut: re-encoding ${reencodedFrames} of ${layout.frameCount} frames (${encoded.length} stretch${encoded.length === 1 ? '' : 'es'} of whole groups of pictures); the rest is stream-copied.`);

  let encodedSoFar = 0;
  for (const piece of encoded) {
    const settings = matchingH264Arguments(
      stream,
      {
        keyframes: layout.groups.slice(piece.firstGroup, piece.endGroup).map((group) => group.firstFrame - piece.firstFrame),
        parameterSetId: freeParameterSetId(header)!,
        reorderFrames: layout.reorderFrames,
        longestGroup,
      },
      request.quality,
      request.encoders,
    );
    if (settings.reason !== undefined) throw new CannotCut(settings.reason);
    await withReason('libx264 could not encode a matching piece', () => encodeRenderedStretch({
      render: request.render,
      fromFrame: piece.firstFrame,
      toFrame: piece.endFrame,
      outputPath: piecePath(piece),
      width: stream.width,
      height: stream.height,
      frameRate: `${frameRate.numerator}/${frameRate.denominator}`,
      encoderArgs: settings.args,
      signal,
      onFrame: () => request.progress(0.05 + (0.85 * ++encodedSoFar) / Math.max(1, reencodedFrames)),
    }));
  }

  const scriptPath = path.join(workFolder, 'pieces.ffconcat');
  await writeFile(scriptPath, concatScript(layout, stream.timeBase, pieces, sourcePath, piecePath)).catch((error: NodeJS.ErrnoException) => {
    throw new RedubError(error.code === 'ENOSPC' ? 'E_DISK_FULL' : 'E_STAGE_FAILED', { details: [`Cannot write ${scriptPath}: ${error.message}`] });
  });
  await withReason('the concat demuxer could not join the pieces', () =>
    runFfmpeg([
      '-y', '-f', 'concat', '-safe', '0', '-auto_convert', '0', '-i', scriptPath,
      '-map', '0:v:0', '-c', 'copy', '-f', 'mp4', '-video_track_timescale', String(stream.timeBase.denominator), request.joinedPath,
    ], { signal }),
  );
  if (pieces[0]?.kind === 'encode') {
    // The join took its header from the re-encoded first piece; the copied groups need the original's.
    try {
      replaceAvcHeader(request.joinedPath, stream.extradata!);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new RedubError('E_DISK_FULL', { details: [(error as Error).message] });
      throw new CannotCut(`the joined file's H.264 header could not be set: ${(error as Error).message}`);
    }
  }
  request.progress(0.93);
  await checkJoin(request, stream, layout, frameRate, packets, pieces);
  return { reencodedFrames, totalFrames: layout.frameCount };
}

function layoutOf(packets: VideoPacket[], stream: VideoStreamParameters): { layout: VideoLayout; frameRate: Rational } {
  // r_frame_rate is the stream's base rate; some muxers put a field rate there, the average is then right.
  const rates = [stream.frameRate, stream.averageFrameRate].filter((rate): rate is Rational => rate !== null);
  let reason = 'the video stream does not say its frame rate';
  for (const frameRate of rates) {
    const result = layoutVideo(packets, stream.timeBase, frameRate);
    if (result.layout) return { layout: result.layout, frameRate };
    reason = result.reason;
  }
  throw new CannotCut(reason);
}

/**
 * The joined file must have every frame where the original had it, the copied packets unchanged
 * in size and kind, and decode cleanly across each seam (from each re-encoded stretch into the
 * group after it, where the original's parameter sets take over again).
 */
async function checkJoin(request: JoinRequest, stream: VideoStreamParameters, layout: VideoLayout, frameRate: Rational, source: VideoPacket[], pieces: PlanPiece[]): Promise<void> {
  const joined = await listVideoPackets(request.joinedPath, { signal: request.signal });
  const result = layoutVideo(joined, stream.timeBase, frameRate);
  if (result.reason !== undefined) throw new CannotCut(`the joined video does not hold together: ${result.reason}`);
  if (result.layout.frameCount !== layout.frameCount) throw new CannotCut(`the joined video has ${result.layout.frameCount} frames, not ${layout.frameCount}`);
  // Closed groups keep their packets together in decode order, so piece by piece the packet
  // positions of the source and the joined file line up.
  const keyIndices = source.flatMap((packet, index) => (packet.keyframe ? [index] : []));
  let at = 0;
  for (const piece of pieces) {
    const from = keyIndices[piece.firstGroup]!;
    const to = keyIndices[piece.endGroup] ?? source.length;
    if (piece.kind === 'copy') {
      for (let index = from; index < to; index++) {
        const before = source[index]!;
        const after = joined[at + index - from]!;
        if (before.size !== after.size || before.keyframe !== after.keyframe) throw new CannotCut(`a copied packet (frame ${index}) changed in the join`);
      }
    }
    at += to - from;
  }
  const frameSeconds = (frameRate.denominator / frameRate.numerator);
  for (const [index, piece] of pieces.entries()) {
    if (piece.kind !== 'encode') continue;
    const after = pieces[index + 1];
    const endFrame = after ? Math.min(after.endFrame, piece.endFrame + (layout.groups[after.firstGroup]!.endFrame - after.firstFrame)) : piece.endFrame;
    const { stderr } = await withReason(`the joined video does not decode at frame ${piece.firstFrame}`, () => runFfmpeg([
      '-v', 'error', '-ss', (piece.firstFrame * frameSeconds).toFixed(6), '-i', request.joinedPath,
      '-map', '0:v:0', '-frames:v', String(endFrame - piece.firstFrame), '-f', 'null', '-',
    ], { signal: request.signal }));
    const problems = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
    if (problems.length > 0) throw new CannotCut(`the joined video does not decode cleanly at frame ${piece.firstFrame}: ${problems[0]}`);
  }
  request.progress(0.99);
}

/** Runs `step`; an ffmpeg failure (not a cancel, not a full disk) becomes CannotCut(reason). */
async function withReason<T>(reason: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof RedubError && error.code === 'E_FFMPEG_FAILED') throw new CannotCut(`${reason} (${error.details.at(-2) ?? error.message})`);
    throw error;
  }
}
