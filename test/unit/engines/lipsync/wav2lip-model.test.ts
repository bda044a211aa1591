import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Wav2LipModel, wav2LipCropRect, wav2LipFaceCrop, wav2LipSource, wav2LipTarget, type Wav2LipItem,
} from '../../../../src-main/core/engines/lipsync/wav2lip-model.js';
import { tinyWav2LipLoudness, writeTinyWav2Lip } from '../../../fixtures/onnx/tiny-wav2lip.js';
import { writeTinyYunet } from '../../../fixtures/onnx/tiny-yunet.js';
import { rejectionOf } from '../../../helpers/errors.js';

const pixels = 96 * 96;

/** A face crop of one RGB colour, and a mel window of one value. */
function item(rgb: [number, number, number], melValue: number): Wav2LipItem {
  const face = new Float32Array(pixels * 3);
  for (let pixel = 0; pixel < pixels; pixel++) face.set(rgb, pixel * 3);
  return { mel: new Float32Array(80 * 16).fill(melValue), face };
}

describe('wav2LipCropRect', () => {
  it('is the face box with 10 % of its height more below, rounded and clipped to the frame', () => {
    expect(wav2LipCropRect({ x: 10.4, y: 20, width: 50, height: 60 }, 320, 240)).toEqual({ x: 10, y: 20, width: 50, height: 66 });
    expect(wav2LipCropRect({ x: -20, y: 200, width: 50, height: 60 }, 320, 240)).toEqual({ x: 0, y: 200, width: 30, height: 40 });
  });

  it('is null when too little of the face is inside the frame', () => {
    expect(wav2LipCropRect({ x: 315, y: 20, width: 50, height: 60 }, 320, 240)).toBeNull();
  });
});

describe('wav2LipTarget and wav2LipSource', () => {
  it('lays the crop out as BGR / 255, channels 0–2 with rows 48–95 zeroed and 3–5 whole', () => {
    const fifth = Math.fround(0.2);
    const target = wav2LipTarget([item([255, 51, 0], 0)]);
    expect(target).toHaveLength(6 * pixels);
    const value = (channel: number, row: number) => target[channel * pixels + row * 96 + 10];
    expect([value(0, 0), value(1, 0), value(2, 0)]).toEqual([0, fifth, 1]);
    expect([value(0, 47), value(1, 47), value(2, 47)]).toEqual([0, fifth, 1]);
    expect([value(0, 48), value(1, 48), value(2, 48), value(2, 95)]).toEqual([0, 0, 0, 0]);
    expect([value(3, 95), value(4, 95), value(5, 95)]).toEqual([0, fifth, 1]);
  });

  it('pads a batch to its fixed size by repeating the last frame', () => {
    const source = wav2LipSource([item([0, 0, 0], 1), item([0, 0, 0], 2)], 3);
    expect(source).toHaveLength(3 * 80 * 16);
    expect([source[0], source[80 * 16], source[2 * 80 * 16 + 5]]).toEqual([1, 2, 2]);
  });
});

describe('wav2LipFaceCrop', () => {
  it('resizes the region to 96×96 ignoring its aspect, in whole 0–255 values', () => {
    const width = 64;
    const height = 40;
    const frame = new Uint8Array(width * height * 3);
    // Left half dark, right half bright, inside a 32×20 region at (16, 10).
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) frame.fill(x < 32 ? 10 : 200, (y * width + x) * 3, (y * width + x) * 3 + 3);
    const crop = wav2LipFaceCrop({ data: frame, width, height }, { x: 16, y: 10, width: 32, height: 20 });
    expect(crop).toHaveLength(pixels * 3);
    expect(crop[(50 * 96 + 5) * 3]).toBe(10);
    expect(crop[(50 * 96 + 90) * 3]).toBe(200);
    expect(crop.every((value) => Number.isInteger(value))).toBe(true);
  });
});

describe('Wav2LipModel on the tiny graph', () => {
  let folder: string;
  let dynamic: Wav2LipModel;
  let single: Wav2LipModel;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'redub-wav2lip-'));
    dynamic = await Wav2LipModel.load(writeTinyWav2Lip(path.join(folder, 'dynamic'), { outputName: 'prediction' }), 'cpu');
    single = await Wav2LipModel.load(writeTinyWav2Lip(path.join(folder, 'single'), { fixedBatch: 1 }), 'cpu');
  });

  afterAll(async () => {
    await dynamic?.release();
    await single?.release();
    rmSync(folder, { recursive: true, force: true });
  });

  it('reads the batch from the graph: up to 16 where symbolic, 1 where fixed; the output by position', () => {
    expect([dynamic.batchSize, dynamic.fixedBatch, dynamic.outputName]).toEqual([16, false, 'prediction']);
    expect([single.batchSize, single.fixedBatch, single.outputName]).toEqual([1, true, 'output']);
  });

  it('returns each frame\'s face as RGB 0–255, the same whichever batching, from that frame\'s own mel window', async () => {
    const items = Array.from({ length: 20 }, (_, index) => item([200, 100, 40], index % 2 === 0 ? -4 : 2));
    const batched = await dynamic.predict(items);
    const one = await single.predict(items);
    expect(batched).toHaveLength(20);
    one.forEach((face, index) => expect(Buffer.from(face.buffer).equals(Buffer.from(batched[index]!.buffer))).toBe(true));
    for (const [index, face] of batched.entries()) {
      const loudness = tinyWav2LipLoudness(items[index]!.mel);
      // Tiny graph: B = 0.5·ref + 0.5·loudness, G = 0.5·ref, R = 0.5·ref + 0.5·(1 − loudness).
      expect(face[0]).toBeCloseTo(100 + 127.5 * (1 - loudness), 3);
      expect(face[1]).toBeCloseTo(50, 3);
      expect(face[2]).toBeCloseTo(20 + 127.5 * loudness, 3);
    }
    expect(batched[1]![2]).toBeGreaterThan(batched[0]![2]! + 100);
  });

  it('refuses a graph without the Wav2Lip inputs as E_MODEL_CORRUPT', async () => {
    const error = await rejectionOf(Wav2LipModel.load(writeTinyYunet(folder), 'cpu'));
    expect(error.code).toBe('E_MODEL_CORRUPT');
    expect(error.details.join(' ')).toContain('source');
  });
});
