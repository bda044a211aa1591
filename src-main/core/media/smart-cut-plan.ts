// Owns the plan of a smart cut: which stretches of whole groups of pictures are copied from the
// original and which are re-encoded, and the concat-demuxer script that joins them. Kept free of
// I/O so the arithmetic at the seams (where one frame too many or too few would show) is tested
// on its own.
import { groupRunsCovering, type VideoLayout } from './gop-layout.js';
import type { Rational } from './video-packets.js';

export interface PlanPiece {
  kind: 'copy' | 'encode';
  /** Groups [firstGroup, endGroup) of the layout. */
  firstGroup: number;
  endGroup: number;
  /** Frames [firstFrame, endFrame). */
  firstFrame: number;
  endFrame: number;
}

/** The pieces, in order, that make up the whole video: every group in exactly one piece. */
export function planPieces(layout: VideoLayout, ranges: ReadonlyArray<readonly [number, number]>): PlanPiece[] {
  const { groups } = layout;
  const pieces: PlanPiece[] = [];
  const add = (kind: PlanPiece['kind'], firstGroup: number, endGroup: number) => {
    if (endGroup <= firstGroup) return;
    pieces.push({ kind, firstGroup, endGroup, firstFrame: groups[firstGroup]!.firstFrame, endFrame: groups[endGroup - 1]!.endFrame });
  };
  let next = 0;
  for (const run of groupRunsCovering(groups, ranges)) {
    add('copy', next, run.firstGroup);
    add('encode', run.firstGroup, run.endGroup);
    next = run.endGroup;
  }
  add('copy', next, groups.length);
  return pieces;
}

/**
 * The ffconcat script joining `pieces`: copies read `sourcePath` from their first keyframe to
 * the next piece's keyframe, encoded pieces are whole files (`encodedPath(piece)`). Times are
 * microseconds, as the demuxer reads them; each piece's duration is taken between absolute
 * positions, so rounding never builds up along the file.
 */
export function concatScript(
  layout: VideoLayout,
  timeBase: Rational,
  pieces: readonly PlanPiece[],
  sourcePath: string,
  encodedPath: (piece: PlanPiece) => string,
): string {
  const microseconds = (ticks: number, round: (value: number) => number) => round((ticks * timeBase.numerator * 1_000_000) / timeBase.denominator);
  const seconds = (us: number) => (us / 1_000_000).toFixed(6);
  const startOf = (piece: PlanPiece) => layout.groups[piece.firstGroup]!.pts;
  const endOf = (piece: PlanPiece) => layout.groups[piece.endGroup]?.pts ?? layout.endPts;
  const position = (ticks: number) => microseconds(ticks - layout.firstPts, Math.round);
  const lines = ['ffconcat version 1.0'];
  for (const piece of pieces) {
    const duration = position(endOf(piece)) - position(startOf(piece));
    if (piece.kind === 'encode') {
      lines.push(`file ${quote(encodedPath(piece))}`, `duration ${seconds(duration)}`);
      continue;
    }
    lines.push(`file ${quote(sourcePath)}`);
    // Rounded up: seeking lands on this keyframe, never on the one before.
    lines.push(`inpoint ${seconds(microseconds(startOf(piece), Math.ceil))}`);
    const next = layout.groups[piece.endGroup];
    // The demuxer drops packets from the first whose decode time reaches the out point: the next
    // keyframe's decode time (rounded down) ends the piece exactly after its last group.
    if (next) lines.push(`outpoint ${seconds(microseconds(next.dts, Math.floor))}`);
    lines.push(`duration ${seconds(duration)}`);
  }
  return lines.join('\n') + '\n';
}

/** A path as ffconcat reads it: single-quoted, a quote inside written '\''. */
function quote(filePath: string): string {
  return `'${filePath.replace(/'/g, "'\\''")}'`;
}
