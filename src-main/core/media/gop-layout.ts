// Owns reading a video stream's packet list as frames and groups of pictures (a keyframe and
// the frames up to the next), and saying why a stream cannot be cut at its keyframes: a cut is
// only clean where no frame of one group is decoded from, or shown among, another's.
import type { Rational, VideoPacket } from './video-packets.js';

export interface GroupOfPictures {
  /** Frames [firstFrame, endFrame) in presentation order. */
  firstFrame: number;
  endFrame: number;
  /** The keyframe's timestamps, in the stream's time base. */
  pts: number;
  dts: number;
}

export interface VideoLayout {
  frameCount: number;
  /** One frame's length in time-base ticks (fractional where the time base does not divide it). */
  frameTicks: number;
  /** First and one-past-last presentation time, in ticks. */
  firstPts: number;
  endPts: number;
  /** How many frames a keyframe's decode time runs ahead of its presentation time (B-frame reordering). */
  reorderFrames: number;
  groups: GroupOfPictures[];
}

export type LayoutResult = { layout: VideoLayout; reason?: undefined } | { layout?: undefined; reason: string };

/** Frame rate in frames per second, from a rational. */
export function framesPerSecond(rate: Rational): number {
  return rate.numerator / rate.denominator;
}

/**
 * Lays `packets` (decode order) out as groups of pictures, or says why the stream cannot be cut
 * at its keyframes: no keyframes, missing timestamps, a varying frame rate, open groups (frames
 * shown before a keyframe but decoded after it), or a reordering that differs between groups.
 */
export function layoutVideo(packets: readonly VideoPacket[], timeBase: Rational, frameRate: Rational | null): LayoutResult {
  if (packets.length === 0) return { reason: 'the video stream has no packets' };
  if (!frameRate) return { reason: 'the video stream does not say its frame rate' };
  if (packets.some((packet) => packet.pts === null || packet.dts === null)) return { reason: 'some video packets have no timestamps' };
  if (!packets.some((packet) => packet.keyframe)) return { reason: 'the video lists no keyframes' };
  if (!packets[0]!.keyframe) return { reason: 'the video does not start with a keyframe' };
  const frameTicks = (timeBase.denominator * frameRate.denominator) / (timeBase.numerator * frameRate.numerator);
  if (!(frameTicks >= 1)) return { reason: `the time base ${timeBase.numerator}/${timeBase.denominator} is coarser than one frame` };
  const tolerance = frameTicks / 4;

  const ptsInOrder = packets.map((packet) => packet.pts!).sort((a, b) => a - b);
  const firstPts = ptsInOrder[0]!;
  for (let frame = 0; frame < ptsInOrder.length; frame++) {
    if (Math.abs(ptsInOrder[frame]! - (firstPts + frame * frameTicks)) > tolerance) {
      return { reason: `the frame rate varies (frame ${frame} is not where ${framesPerSecond(frameRate).toFixed(3)} fps puts it)` };
    }
  }
  for (let index = 1; index < packets.length; index++) {
    if (packets[index]!.dts! <= packets[index - 1]!.dts!) return { reason: 'the decode timestamps do not rise steadily' };
  }

  const keyIndices = packets.flatMap((packet, index) => (packet.keyframe ? [index] : []));
  const groups: GroupOfPictures[] = [];
  let reorderFrames: number | null = null;
  for (let group = 0; group < keyIndices.length; group++) {
    const start = keyIndices[group]!;
    const end = keyIndices[group + 1] ?? packets.length;
    const key = packets[start]!;
    const nextPts = group + 1 < keyIndices.length ? packets[end]!.pts! : Number.POSITIVE_INFINITY;
    for (let index = start; index < end; index++) {
      const pts = packets[index]!.pts!;
      if (pts < key.pts! || pts >= nextPts) return { reason: `the groups of pictures are open (group ${group} shows frames of its neighbour)` };
    }
    const reorder = (key.pts! - key.dts!) / frameTicks;
    const rounded = Math.round(reorder);
    if (Math.abs(reorder - rounded) > 0.25 || rounded < 0 || (reorderFrames !== null && rounded !== reorderFrames)) {
      return { reason: 'the keyframes are reordered unevenly (their decode and presentation times differ by varying amounts)' };
    }
    reorderFrames = rounded;
    const firstFrame = Math.round((key.pts! - firstPts) / frameTicks);
    groups.push({ firstFrame, endFrame: firstFrame + (end - start), pts: key.pts!, dts: key.dts! });
  }
  const last = packets.reduce((latest, packet) => (packet.pts! > latest.pts! ? packet : latest));
  const endPts = last.pts! + (last.duration && last.duration > 0 ? last.duration : frameTicks);
  return { layout: { frameCount: packets.length, frameTicks, firstPts, endPts, reorderFrames: reorderFrames ?? 0, groups } };
}

/** The runs of whole groups that hold any frame of `ranges` ([from, to) frame ranges), adjacent runs merged. */
export function groupRunsCovering(groups: readonly GroupOfPictures[], ranges: ReadonlyArray<readonly [number, number]>): Array<{ firstGroup: number; endGroup: number }> {
  const touched = groups.map((group) => ranges.some(([from, to]) => from < group.endFrame && to > group.firstFrame));
  const runs: Array<{ firstGroup: number; endGroup: number }> = [];
  touched.forEach((isTouched, index) => {
    if (!isTouched) return;
    const previous = runs.at(-1);
    if (previous && previous.endGroup === index) previous.endGroup = index + 1;
    else runs.push({ firstGroup: index, endGroup: index + 1 });
  });
  return runs;
}
