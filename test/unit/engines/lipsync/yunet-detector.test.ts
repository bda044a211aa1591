import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  boxIou, decodeYunet, suppressOverlaps, yunetInput, yunetOutputNames, YunetDetector, type DetectedFace,
} from '../../../../src-main/core/engines/lipsync/yunet-detector.js';
import { resampleRegion } from '../../../../src-main/core/engines/lipsync/image-resample.js';
import { drawTinyFace, tinyYunetLandmarks, writeTinyYunet } from '../../../fixtures/onnx/tiny-yunet.js';
import { writeTinyWav2Lip } from '../../../fixtures/onnx/tiny-wav2lip.js';
import { rejectionOf, thrownCode } from '../../../helpers/errors.js';

/** All-zero outputs for a 640×640 input, with cells planted by the test. */
function emptyOutputs(): Record<string, Float32Array> {
  const outputs: Record<string, Float32Array> = {};
  for (const name of yunetOutputNames) {
    const [kind, stride] = name.split('_') as [string, string];
    const cells = (640 / Number(stride)) ** 2;
    outputs[name] = new Float32Array(cells * ({ cls: 1, obj: 1, bbox: 4, kps: 10 } as Record<string, number>)[kind]!);
  }
  return outputs;
}

function plant(outputs: Record<string, Float32Array>, stride: number, row: number, column: number, cls: number, obj: number, bbox: number[], kps: number[] = new Array<number>(10).fill(0)): void {
  const cell = row * (640 / stride) + column;
  outputs[`cls_${stride}`]![cell] = cls;
  outputs[`obj_${stride}`]![cell] = obj;
  outputs[`bbox_${stride}`]!.set(bbox, cell * 4);
  outputs[`kps_${stride}`]!.set(kps, cell * 10);
}

const identity = { width: 640, height: 640, ratioX: 1, ratioY: 1 };

describe('decodeYunet', () => {
  it('decodes a cell as OpenCV does: centre (cell + offset)·stride, size e^v·stride, landmarks from the cell corner, score √(cls·obj)', () => {
    const outputs = emptyOutputs();
    plant(outputs, 16, 10, 12, 0.64, 1, [0.5, 0.5, Math.log(8), Math.log(10)], [0, 0, 1, 0, 0.5, 1, 0, 2, 1, 2]);
    const [face, ...rest] = decodeYunet(outputs, identity);
    expect(rest).toHaveLength(0);
    expect(face!.score).toBeCloseTo(0.8, 6);
    expect(face!.box.x).toBeCloseTo(200 - 64, 4);
    expect(face!.box.y).toBeCloseTo(168 - 80, 4);
    expect(face!.box.width).toBeCloseTo(128, 4);
    expect(face!.box.height).toBeCloseTo(160, 4);
    expect(face!.landmarks.map(({ x, y }) => [x, y])).toEqual([[192, 160], [208, 160], [200, 176], [192, 192], [208, 192]]);
  });

  it('maps back to frame pixels with the letterbox ratios', () => {
    const outputs = emptyOutputs();
    plant(outputs, 32, 2, 3, 0.9, 0.9, [0, 0, 0, 0]);
    const [face] = decodeYunet(outputs, { width: 640, height: 640, ratioX: 3, ratioY: 3 });
    expect(face!.box).toEqual({ x: (96 - 16) * 3, y: (64 - 16) * 3, width: 96, height: 96 });
  });

  it('drops scores under the threshold (0.6 by default) and clamps cls and obj to [0, 1]', () => {
    const outputs = emptyOutputs();
    plant(outputs, 8, 5, 5, 0.5, 0.5, [0, 0, 1, 1]);
    plant(outputs, 8, 50, 50, 1.7, 0.49, [0, 0, 1, 1]);
    expect(decodeYunet(outputs, identity)).toHaveLength(1);
    expect(decodeYunet(outputs, identity)[0]!.score).toBeCloseTo(Math.sqrt(0.49), 6);
    expect(decodeYunet(outputs, identity, { scoreThreshold: 0.4 })).toHaveLength(2);
  });

  it('keeps one of two overlapping candidates (the better one) and both of two apart', () => {
    const outputs = emptyOutputs();
    plant(outputs, 16, 10, 10, 0.8, 0.8, [0.5, 0.5, Math.log(4), Math.log(4)]);
    plant(outputs, 16, 10, 11, 0.95, 0.95, [0.5, 0.5, Math.log(4), Math.log(4)]);
    plant(outputs, 16, 30, 30, 0.7, 0.7, [0.5, 0.5, Math.log(4), Math.log(4)]);
    const faces = decodeYunet(outputs, identity);
    expect(faces.map((face) => Math.round(face.score * 100))).toEqual([95, 70]);
    expect(faces[0]!.box.x).toBeCloseTo(11 * 16 + 8 - 32, 4);
  });

  it('refuses outputs of the wrong size as not YuNet (E_MODEL_CORRUPT)', () => {
    const outputs = emptyOutputs();
    outputs.bbox_16 = new Float32Array(10);
    expect(thrownCode(() => decodeYunet(outputs, identity))).toBe('E_MODEL_CORRUPT');
  });
});

describe('suppressOverlaps and boxIou', () => {
  const face = (x: number, score: number): DetectedFace => ({ box: { x, y: 0, width: 10, height: 10 }, landmarks: [], score });

  it('computes IoU and suppresses above the threshold only', () => {
    expect(boxIou({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 10, height: 10 })).toBeCloseTo(50 / 150, 10);
    expect(boxIou({ x: 0, y: 0, width: 10, height: 10 }, { x: 10, y: 0, width: 10, height: 10 })).toBe(0);
    expect(suppressOverlaps([face(0, 0.7), face(5, 0.9)], 0.3).map((kept) => kept.score)).toEqual([0.9]);
    expect(suppressOverlaps([face(0, 0.7), face(5, 0.9)], 0.4).map((kept) => kept.score)).toEqual([0.9, 0.7]);
    expect(suppressOverlaps([face(0, 0.7), face(20, 0.9), face(40, 0.8)], 0.3, 2).map((kept) => kept.score)).toEqual([0.9, 0.8]);
  });
});

describe('yunetInput', () => {
  it('scales the frame to fit at the top-left, as BGR planes of 0–255, zeros after', () => {
    const width = 320;
    const height = 240;
    const frame = new Uint8Array(width * height * 3);
    for (let pixel = 0; pixel < width * height; pixel++) frame.set([200, 100, 50], pixel * 3);
    const input = yunetInput({ data: frame, width, height });
    expect([input.width, input.height, input.ratioX, input.ratioY]).toEqual([640, 640, 0.5, 0.5]);
    const plane = 640 * 640;
    const at = 100 * 640 + 100;
    expect([input.data[at], input.data[plane + at], input.data[2 * plane + at]]).toEqual([50, 100, 200]);
    expect(input.data[479 * 640 + 639]).toBeCloseTo(50, 4);
    expect(input.data[480 * 640]).toBe(0);
    expect(input.data[2 * plane + 639 * 640 + 639]).toBe(0);
  });

  it('shrinks bilinearly down to half size, as cv2.resize does for YuNet, and antialiased beyond', () => {
    // Red of pixel (x, y) in the input's first rows, against resampleRegion's interleaved result.
    const redOf = (data: Float32Array, x: number, y: number) => data[2 * 640 * 640 + y * 640 + x];
    for (const [width, height, antialias] of [[1280, 720, false], [960, 540, false], [1920, 1080, true]] as const) {
      const frame = new Uint8Array(width * height * 3);
      for (let index = 0; index < frame.length; index++) frame[index] = (index * 7 + (index >> 10)) % 256;
      const input = yunetInput({ data: frame, width, height });
      const expected = resampleRegion({ data: frame, width, height }, { x: 0, y: 0, width, height }, 640, 360, antialias);
      for (const [x, y] of [[0, 0], [1, 0], [317, 5], [639, 359], [200, 180]] as const) {
        expect(redOf(input.data, x, y), `${width}×${height} at ${x}, ${y}`).toBe(expected[(y * 640 + x) * 3]);
      }
    }
    // Halving is the mean of each 2×2 block.
    const frame = new Uint8Array(1280 * 720 * 3);
    frame.set([10, 0, 0], 0);
    frame.set([20, 0, 0], 3);
    frame.set([30, 0, 0], 1280 * 3);
    frame.set([41, 0, 0], 1280 * 3 + 3);
    expect(redOf(yunetInput({ data: frame, width: 1280, height: 720 }).data, 0, 0)).toBe(25.25);
  });

  it('fills a reused buffer exactly as a fresh one, padding zeroed, for a 2× shrink and an odd one', () => {
    for (const [width, height] of [[1280, 720], [700, 990]] as const) {
      const frame = new Uint8Array(width * height * 3);
      for (let index = 0; index < frame.length; index++) frame[index] = (index * 13) % 256;
      const fresh = yunetInput({ data: frame, width, height });
      const reused = yunetInput({ data: frame, width, height }, 640, 640, new Float32Array(3 * 640 * 640).fill(123));
      // Compared by hand: toEqual over 1.2 million values takes seconds.
      expect(reused.data.findIndex((value, index) => !Object.is(value, fresh.data[index]))).toBe(-1);
      expect([reused.ratioX, reused.ratioY]).toEqual([fresh.ratioX, fresh.ratioY]);
    }
  });
});

describe('YunetDetector on the tiny YuNet graph', () => {
  let folder: string;
  let detector: YunetDetector;
  const width = 320;
  const height = 240;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'redub-yunet-'));
    detector = await YunetDetector.load(writeTinyYunet(folder), 'cpu');
  });

  afterAll(async () => {
    await detector?.release();
    rmSync(folder, { recursive: true, force: true });
  });

  function frameWith(patches: [number, number][]): Uint8Array {
    const frame = new Uint8Array(width * height * 3).fill(20);
    // At scale 2 the tiny detector's 64-pixel face is 32 frame pixels.
    for (const [x, y] of patches) drawTinyFace(frame, width, x, y, 32);
    return frame;
  }

  it('reads the fixed 640×640 input size from the graph', () => {
    expect([detector.inputWidth, detector.inputHeight]).toEqual([640, 640]);
    expect(detector.executionProvider).toBe('cpu');
  });

  it('finds a drawn face where it is (within a cell) with its landmarks inside, and nothing on a blank frame', async () => {
    const faces = await detector.detect({ data: frameWith([[137, 93]]), width, height });
    expect(faces).toHaveLength(1);
    const [face] = faces;
    // The patch's centre is (153, 109); stride-16 cells are 8 frame pixels apart at this scale.
    expect(Math.abs(face!.box.x + face!.box.width / 2 - 153)).toBeLessThanOrEqual(8);
    expect(Math.abs(face!.box.y + face!.box.height / 2 - 109)).toBeLessThanOrEqual(8);
    expect(face!.box.width).toBeCloseTo(32, 4);
    expect(face!.score).toBeGreaterThan(0.6);
    face!.landmarks.forEach((point, index) => {
      expect(point.x).toBeCloseTo(face!.box.x + tinyYunetLandmarks[index]![0] * face!.box.width, 4);
      expect(point.y).toBeCloseTo(face!.box.y + tinyYunetLandmarks[index]![1] * face!.box.height, 4);
    });
    expect(await detector.detect({ data: new Uint8Array(width * height * 3).fill(20), width, height })).toEqual([]);
    expect(await detector.detect({ data: new Uint8Array(width * height * 3).fill(230), width, height })).toEqual([]);
  });

  it('has overlapping candidates from neighbouring cells for one face, which suppression makes one', async () => {
    const frame = frameWith([[140, 96]]);
    // An IoU threshold of 1 keeps every candidate.
    const unsuppressed = await detector.detect({ data: frame, width, height }, { nmsThreshold: 1 });
    expect(unsuppressed.length).toBeGreaterThan(1);
    expect(await detector.detect({ data: frame, width, height })).toHaveLength(1);
  });

  it('finds two faces apart as two, best first', async () => {
    const faces = await detector.detect({ data: frameWith([[40, 40], [220, 150]]), width, height });
    expect(faces).toHaveLength(2);
    const centres = faces.map((face) => Math.round(face.box.x + face.box.width / 2)).sort((a, b) => a - b);
    expect(Math.abs(centres[0]! - 56)).toBeLessThanOrEqual(8);
    expect(Math.abs(centres[1]! - 236)).toBeLessThanOrEqual(8);
  });

  it('refuses a graph that is not YuNet as E_MODEL_CORRUPT', async () => {
    const error = await rejectionOf(YunetDetector.load(writeTinyWav2Lip(folder), 'cpu'));
    expect(error.code).toBe('E_MODEL_CORRUPT');
    expect(error.details.join(' ')).toContain('input');
  });
});
