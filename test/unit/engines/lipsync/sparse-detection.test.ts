import { describe, expect, it } from 'vitest';
import { FaceTrack } from '../../../../src-main/core/engines/lipsync/face-track.js';
import { detectionStride, interpolatedFaces, SparseDetection } from '../../../../src-main/core/engines/lipsync/sparse-detection.js';
import type { DetectedFace } from '../../../../src-main/core/engines/lipsync/yunet-detector.js';

function face(x: number, y = 50, score = 0.9, size = 40): DetectedFace {
  return { box: { x, y, width: size, height: size }, landmarks: [{ x: x + 10, y: y + 10 }], score };
}

/** Runs frames 0 … n − 1 (each frame is its index) through SparseDetection; `faces[i]` is what detecting frame i finds. */
async function run(faces: DetectedFace[][], stride = 2) {
  const track = new FaceTrack({ smoothingFrames: 1 });
  const detected: number[] = [];
  const sparse = new SparseDetection<number>(track, async (frame) => {
    detected.push(frame);
    return faces[frame]!;
  }, { stride });
  for (let frame = 0; frame < faces.length; frame++) await sparse.push(frame);
  await sparse.finish();
  track.finish();
  return { detected, boxes: faces.map((_, index) => track.box(index)), runs: sparse.detections, length: track.length };
}

describe('SparseDetection', () => {
  it('runs the detector on every second frame and gives the frame between two detections of one face their interpolation', async () => {
    expect(detectionStride).toBe(2);
    const { detected, boxes, length } = await run([[face(100)], [face(999)], [face(104, 54, 0.8, 44)], [face(999)], [face(108)]]);
    expect(detected).toEqual([0, 2, 4]);
    expect(length).toBe(5);
    expect(boxes[1]).toEqual({ x: 102, y: 52, width: 42, height: 42 });
    expect(boxes[3]).toEqual({ x: 106, y: 52, width: 42, height: 42 });
    expect(boxes[2]).toEqual({ x: 104, y: 54, width: 44, height: 44 });
  });

  it('detects every frame around a face lost and found, so no faceless frame gets a face and none with a face is missed', async () => {
    const faces = [[face(100)], [face(100)], [face(100)], [], [], [], [], [face(100)], [face(100)], [face(100)], [face(100)]];
    const { detected, boxes } = await run(faces);
    // 2 (face) and 4 (none) disagree: 3 is detected; 6 (none) and 8 (face) disagree: 7 is detected.
    expect(detected).toEqual([0, 2, 4, 3, 6, 8, 7, 10]);
    expect(boxes.map((box) => box !== null)).toEqual(faces.map((each) => each.length > 0));
  });

  it('takes the frames between two faceless detections as faceless, without detecting them', async () => {
    const { detected, boxes } = await run([[], [face(100)], [], [], []]);
    expect(detected).toEqual([0, 2, 4]);
    expect(boxes).toEqual([null, null, null, null, null]);
  });

  it('detects the frame between two detections where the face jumped (a cut, or another person)', async () => {
    const { detected, boxes } = await run([[face(100)], [face(100)], [face(400)], [face(400)], [face(400)]]);
    // 2 and 4 show the same face again: 3 is interpolated.
    expect(detected).toEqual([0, 2, 1, 4]);
    expect(boxes[1]!.x).toBe(100);
    expect(boxes[3]!.x).toBe(400);
  });

  it('interpolates towards the face nearest the one followed, not the best-scoring one', async () => {
    const { boxes } = await run([[face(100)], [], [face(500, 50, 0.99), face(110, 50, 0.7)]]);
    expect(boxes[1]!.x).toBe(105);
    expect(boxes[2]!.x).toBe(110);
  });

  it('detects the last frame of the segment whatever the stride, and every frame at stride 1', async () => {
    const faces = [[face(100)], [face(100)], [face(100)], [face(100)], [face(100)], [face(100)]];
    expect((await run(faces, 4)).detected).toEqual([0, 4, 5]);
    expect((await run(faces, 1)).detected).toEqual([0, 1, 2, 3, 4, 5]);
    const strided = await run(faces, 4);
    expect(strided.runs).toBe(3);
    expect(strided.boxes.every((box) => box?.x === 100)).toBe(true);
  });

  it('refuses a stride that is not a whole number of frames', () => {
    expect(() => new SparseDetection(new FaceTrack(), async () => [], { stride: 0 })).toThrow(RangeError);
  });
});

describe('interpolatedFaces', () => {
  it('moves the box and the landmarks in a straight line, and keeps the lower score', () => {
    const filled = interpolatedFaces(face(100, 50, 0.9, 200), [face(130, 80, 0.7, 200)], 2)!;
    expect(filled.map((faces) => faces[0]!.box.x)).toEqual([110, 120]);
    expect(filled[0]![0]!.landmarks).toEqual([{ x: 120, y: 70 }]);
    expect(filled[0]![0]!.score).toBe(0.7);
  });

  it('gives none where both have no face, and null (detect them) where only one has one or they overlap too little', () => {
    expect(interpolatedFaces(null, [], 1)).toEqual([[]]);
    expect(interpolatedFaces(null, [face(100)], 1)).toBeNull();
    expect(interpolatedFaces(face(100), [], 1)).toBeNull();
    // 40-wide boxes 20 apart overlap by a third: less than minInterpolationIou.
    expect(interpolatedFaces(face(100), [face(120)], 1)).toBeNull();
    expect(interpolatedFaces(face(100), [face(104)], 1)).not.toBeNull();
  });
});
