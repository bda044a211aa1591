import { describe, expect, it } from 'vitest';
import { chooseFace, FaceTrack, trackFaces } from '../../../../src-main/core/engines/lipsync/face-track.js';
import type { DetectedFace } from '../../../../src-main/core/engines/lipsync/yunet-detector.js';

function face(x: number, y = 50, score = 0.9, size = 40): DetectedFace {
  return { box: { x, y, width: size, height: size }, landmarks: [], score };
}

describe('chooseFace', () => {
  it('takes the best-scoring face when there is no face before, else the one nearest it', () => {
    const faces = [face(0, 50, 0.7), face(300, 50, 0.95)];
    expect(chooseFace(faces, null)).toBe(faces[1]);
    expect(chooseFace(faces, { x: 10, y: 40, width: 40, height: 40 })).toBe(faces[0]);
    expect(chooseFace([], null)).toBeNull();
  });
});

describe('FaceTrack', () => {
  it('averages each box over the 5 frames centred on it, fewer at the ends', () => {
    const xs = [100, 104, 100, 104, 100, 104, 100];
    const boxes = trackFaces(xs.map((x) => [face(x)]));
    expect(boxes[3]!.x).toBeCloseTo((104 + 100 + 104 + 100 + 104) / 5, 10);
    expect(boxes[2]!.x).toBeCloseTo((100 + 104 + 100 + 104 + 100) / 5, 10);
    expect(boxes[0]!.x).toBeCloseTo((100 + 104 + 100) / 3, 10);
    expect(boxes[6]!.x).toBeCloseTo((100 + 104 + 100) / 3, 10);
    expect(boxes[3]!.width).toBe(40);
  });

  it('marks frames with no face (they pass through) and does not average across them', () => {
    const boxes = trackFaces([[face(100)], [face(102)], [face(104)], [], [face(106)], [face(108)]]);
    expect(boxes[3]).toBeNull();
    expect(boxes[2]!.x).toBeCloseTo((100 + 102 + 104) / 3, 10);
    expect(boxes[4]!.x).toBeCloseTo(107, 10);
  });

  it('does not average a box with one from another shot (a jump with little overlap)', () => {
    const boxes = trackFaces([[face(100)], [face(100)], [face(100)], [face(500)], [face(500)], [face(500)]]);
    expect(boxes[2]!.x).toBe(100);
    expect(boxes[3]!.x).toBe(500);
  });

  it('follows the face it had through a brief loss, not a better-scoring one elsewhere', () => {
    const track = new FaceTrack();
    expect(track.push([face(100, 50, 0.7)])!.box.x).toBe(100);
    expect(track.push([])).toBeNull();
    expect(track.push([face(400, 50, 0.99), face(104, 50, 0.65)])!.box.x).toBe(104);
  });

  it('settles a frame once the two after it are in, all of them at finish, and counts faces', () => {
    const track = new FaceTrack();
    track.push([face(100)]);
    track.push([]);
    expect(track.settled).toBe(0);
    track.push([face(100)]);
    expect(track.settled).toBe(1);
    track.push([face(100)]);
    expect(track.settled).toBe(2);
    track.finish();
    expect(track.settled).toBe(4);
    expect(track.stats).toEqual({ framesWithFace: 3, framesWithoutFace: 1 });
    expect(() => track.push([])).toThrow();
  });

  it('gives the same boxes however the frames arrive (the streaming view equals the whole one)', () => {
    const detections = Array.from({ length: 12 }, (_, index) => (index % 5 === 4 ? [] : [face(100 + ((index * 7) % 5))]));
    const whole = trackFaces(detections);
    const track = new FaceTrack();
    const streamed: (ReturnType<FaceTrack['box']>)[] = [];
    for (const faces of detections) {
      track.push(faces);
      while (streamed.length < track.settled) streamed.push(track.box(streamed.length));
    }
    track.finish();
    while (streamed.length < track.settled) streamed.push(track.box(streamed.length));
    expect(streamed).toEqual(whole);
  });

  it('refuses an even smoothing length', () => {
    expect(() => new FaceTrack({ smoothingFrames: 4 })).toThrow(RangeError);
  });
});
