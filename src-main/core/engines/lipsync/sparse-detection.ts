// Owns which frames of a segment the face detector runs on. Detection is most of the engine's
// own time per frame (the whole frame shrunk into the detector and the detector run), while a
// face moves little from one frame to the next and its box is averaged over 5 frames anyway; so
// the detector runs on every `detectionStride`-th frame and the boxes of the frames between two
// detections are their straight-line interpolation, but only where that is safe to assume:
//
// - both detections found a face, nearly where the other one is (IoU ≥ minInterpolationIou);
// - where one found a face and the other none (a face appearing or lost) or the face jumped (a
//   cut, another person), every frame between them is detected, so a frame without a face is
//   never given one and a face appearing is found on its first frame;
// - where neither found one, the frames between are taken as faceless too (they pass through
//   untouched): only a face shown for less than the stride is missed.

import { chooseFace, type FaceTrack } from './face-track.js';
import { boxIou, type DetectedFace, type FaceBox, type Point } from './yunet-detector.js';

/** The detector runs on one frame in this many (1: every frame). */
export const detectionStride = 2;
/** Two detections overlapping at least this much (IoU) are the same face moving, interpolated between. */
export const minInterpolationIou = 0.5;

export interface SparseDetectionOptions {
  stride?: number;
  minInterpolationIou?: number;
}

/**
 * Feeds a FaceTrack frame by frame, running `detect` only where it must. Frames reach the track
 * in order, up to `stride − 1` frames after they were pushed (a frame between two detections
 * waits for the second one).
 */
export class SparseDetection<Frame> {
  private readonly stride: number;
  private readonly minIou: number;
  /** Frames pushed since the last one that reached the track. */
  private readonly waiting: Frame[] = [];
  /** The face the track chose for the last frame it took (null: none), or undefined before the first. */
  private last: DetectedFace | null | undefined;
  private runs = 0;

  constructor(
    private readonly track: FaceTrack,
    private readonly detect: (frame: Frame) => Promise<DetectedFace[]>,
    options: SparseDetectionOptions = {},
  ) {
    const stride = options.stride ?? detectionStride;
    if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`detection stride ${stride} is not a whole number of frames`);
    this.stride = stride;
    this.minIou = options.minInterpolationIou ?? minInterpolationIou;
  }

  /** Detector runs so far. */
  get detections(): number {
    return this.runs;
  }

  /** Takes the next frame; the track gets it (and the frames before it) once its detection is settled. */
  async push(frame: Frame): Promise<void> {
    if (this.last === undefined) {
      // The segment's first frame is always detected: it is what the next one interpolates from.
      this.last = this.track.push(await this.run(frame));
      return;
    }
    this.waiting.push(frame);
    if (this.waiting.length === this.stride) await this.settle();
  }

  /** No more frames: the ones still waiting are settled, the last of them detected. */
  async finish(): Promise<void> {
    if (this.waiting.length > 0) await this.settle();
  }

  /** Detects the last waiting frame, then gives the track the frames before it and then it. */
  private async settle(): Promise<void> {
    const frames = this.waiting.splice(0);
    const endFaces = await this.run(frames.at(-1)!);
    const between = frames.length - 1;
    const filled = between > 0 ? interpolatedFaces(this.last ?? null, endFaces, between, this.minIou) : [];
    if (filled) for (const faces of filled) this.track.push(faces);
    else for (const frame of frames.slice(0, -1)) this.track.push(await this.run(frame));
    this.last = this.track.push(endFaces);
  }

  private run(frame: Frame): Promise<DetectedFace[]> {
    this.runs++;
    return this.detect(frame);
  }
}

/**
 * The detections of the `count` frames between a frame whose chosen face is `from` and one whose
 * detections are `to`: no face on each where neither has one, the face moved in a straight line
 * where both show the same face, or null where the frames between must be detected.
 */
export function interpolatedFaces(from: DetectedFace | null, to: readonly DetectedFace[], count: number, minIou = minInterpolationIou): DetectedFace[][] | null {
  if (!from && to.length === 0) return Array.from({ length: count }, () => []);
  if (!from || to.length === 0) return null;
  // The face the track would follow into `to`: the one nearest `from` (and, checked below, nearest
  // the last interpolated box, which is what the track compares it with).
  const target = chooseFace(to, from.box)!;
  if (boxIou(from.box, target.box) < minIou) return null;
  const faces: DetectedFace[][] = [];
  for (let step = 1; step <= count; step++) {
    const t = step / (count + 1);
    faces.push([{
      box: lerpBox(from.box, target.box, t),
      landmarks: from.landmarks.length === target.landmarks.length ? from.landmarks.map((point, index) => lerpPoint(point, target.landmarks[index]!, t)) : [],
      score: Math.min(from.score, target.score),
    }]);
  }
  if (chooseFace(to, faces.at(-1)![0]!.box) !== target) return null;
  return faces;
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

function lerpBox(a: FaceBox, b: FaceBox, t: number): FaceBox {
  return { x: lerp(a.x, b.x, t), y: lerp(a.y, b.y, t), width: lerp(a.width, b.width, t), height: lerp(a.height, b.height, t) };
}

function lerpPoint(a: Point, b: Point, t: number): Point {
  return { x: lerp(a.x, b.x, t), y: lerp(a.y, b.y, t) };
}
