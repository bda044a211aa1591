// Owns following the speaker's face through one segment: which detected face each frame renders
// (the one nearest the face of the frame before, else the best-scoring), and its box smoothed
// over time so the re-rendered mouth does not jitter (Wav2Lip averages boxes over 5 frames; here
// the average is centred, so the box does not lag). Frames with no face pass through untouched.
//
// Frames arrive one at a time; a frame's smoothed box is final once the frames after it that
// the average reads have arrived (`settled`), so a renderer can stream with a short delay.

import { boxIou, type DetectedFace, type FaceBox } from './yunet-detector.js';

export interface FaceTrackOptions {
  /** Frames averaged per box, centred on the frame: odd, 1 for no smoothing. Default 5. */
  smoothingFrames?: number;
  /**
   * Consecutive boxes overlapping less than this (IoU) belong to different shots or people, so
   * they are not averaged together. Default 0.2.
   */
  minContinuityIou?: number;
  /** A face lost for up to this many frames is still the one to follow when it returns. Default 5. */
  memoryFrames?: number;
}

export interface FaceTrackStats {
  framesWithFace: number;
  framesWithoutFace: number;
}

export class FaceTrack {
  private readonly radius: number;
  private readonly minContinuityIou: number;
  private readonly memoryFrames: number;
  private readonly boxes: (FaceBox | null)[] = [];
  /** The run of continuous boxes each frame belongs to (−1: no face). */
  private readonly runs: number[] = [];
  private run = -1;
  private lastFace: { box: FaceBox; index: number } | null = null;
  private finished = false;
  private framesWithFace = 0;

  constructor(options: FaceTrackOptions = {}) {
    const frames = options.smoothingFrames ?? 5;
    if (!Number.isInteger(frames) || frames < 1 || frames % 2 === 0) throw new RangeError(`smoothingFrames ${frames} is not an odd whole number`);
    this.radius = (frames - 1) / 2;
    this.minContinuityIou = options.minContinuityIou ?? 0.2;
    this.memoryFrames = options.memoryFrames ?? 5;
  }

  /** Frames pushed so far. */
  get length(): number {
    return this.boxes.length;
  }

  /** Frames from the first whose smoothed box is final: all of them once `finish` is called. */
  get settled(): number {
    return this.finished ? this.boxes.length : Math.max(0, this.boxes.length - this.radius);
  }

  get stats(): FaceTrackStats {
    return { framesWithFace: this.framesWithFace, framesWithoutFace: this.boxes.length - this.framesWithFace };
  }

  /** Adds the next frame's detections; returns the face chosen for it, or null. */
  push(faces: readonly DetectedFace[]): DetectedFace | null {
    if (this.finished) throw new Error('FaceTrack.push after finish');
    const index = this.boxes.length;
    const recent = this.lastFace && index - this.lastFace.index <= this.memoryFrames + 1 ? this.lastFace.box : null;
    const face = chooseFace(faces, recent);
    const previous = index > 0 ? this.boxes[index - 1] : null;
    if (!face) {
      this.run = -1;
    } else if (!previous || boxIou(previous, face.box) < this.minContinuityIou) {
      this.run = index;
    }
    this.boxes.push(face ? { ...face.box } : null);
    this.runs.push(this.run);
    if (face) {
      this.lastFace = { box: face.box, index };
      this.framesWithFace++;
    }
    return face;
  }

  /** No more frames: the last ones settle with the neighbours they have. */
  finish(): void {
    this.finished = true;
  }

  /** The smoothed box of frame `index`, or null where it has no face. Final once `index < settled`. */
  box(index: number): FaceBox | null {
    const own = this.boxes[index];
    if (!own) return null;
    const run = this.runs[index];
    let count = 0;
    const sum = { x: 0, y: 0, width: 0, height: 0 };
    const last = Math.min(this.boxes.length - 1, index + this.radius);
    for (let neighbour = Math.max(0, index - this.radius); neighbour <= last; neighbour++) {
      const box = this.boxes[neighbour];
      if (!box || this.runs[neighbour] !== run) continue;
      sum.x += box.x;
      sum.y += box.y;
      sum.width += box.width;
      sum.height += box.height;
      count++;
    }
    return { x: sum.x / count, y: sum.y / count, width: sum.width / count, height: sum.height / count };
  }
}

/** The face nearest (centre to centre) to `previous` when there is one, else the best-scoring one. */
export function chooseFace(faces: readonly DetectedFace[], previous: FaceBox | null): DetectedFace | null {
  let best: DetectedFace | null = null;
  let bestKey = Number.POSITIVE_INFINITY;
  for (const face of faces) {
    const key = previous ? centreDistance(face.box, previous) : -face.score;
    if (key < bestKey) {
      best = face;
      bestKey = key;
    }
  }
  return best;
}

/** The smoothed box of every frame of a whole segment, given each frame's detections. */
export function trackFaces(detections: readonly (readonly DetectedFace[])[], options: FaceTrackOptions = {}): (FaceBox | null)[] {
  const track = new FaceTrack(options);
  for (const faces of detections) track.push(faces);
  track.finish();
  return detections.map((_, index) => track.box(index));
}

function centreDistance(a: FaceBox, b: FaceBox): number {
  return Math.hypot(a.x + a.width / 2 - (b.x + b.width / 2), a.y + a.height / 2 - (b.y + b.height / 2));
}
