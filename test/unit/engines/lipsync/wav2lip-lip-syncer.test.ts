import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LipSyncResult } from '../../../../src-main/core/engines/lipsync/lip-syncer.js';
import { lipSyncModelFiles, lipSyncVersion } from '../../../../src-main/core/engines/lipsync/lipsync-version.js';
import { heldBackFrames, Wav2LipLipSyncer } from '../../../../src-main/core/engines/lipsync/wav2lip-lip-syncer.js';
import { melWindowForFrame, wav2LipMel } from '../../../../src-main/core/engines/lipsync/wav2lip-mel.js';
import { engineRevisions } from '../../../../src-main/core/engines/revisions.js';
import { tinyWav2LipLoudness, writeTinyWav2Lip } from '../../../fixtures/onnx/tiny-wav2lip.js';
import { drawTinyFace, writeTinyYunet } from '../../../fixtures/onnx/tiny-yunet.js';
import { rejectionOf } from '../../../helpers/errors.js';
import { noise } from '../audio-helpers.js';

const width = 320;
const height = 240;
const fps = 25;
const frameCount = 50;
const facedFrames = 40;
/** On the tiny detector's stride-16 grid at this frame's scale (2), so its box is the square exactly. */
const face = { x: 140, y: 100, size: 32 };
/** The crop: the box plus 10 % below (35 rows), and the mouth 70 % of the way down it. */
const crop = { x: 140, y: 100, width: 32, height: 35 };
const mouth = { x: 156, y: 124 };

let folder: string;
let directories: { detector: string; model: string };
let syncer: Wav2LipLipSyncer;
let frames: Uint8Array[];
let audio: Float32Array;
let rendered: LipSyncResult;
const progress: number[] = [];

function makeFrame(withFace: boolean): Uint8Array {
  const frame = new Uint8Array(width * height * 3);
  // A dark, textured background, so "unchanged" means every byte.
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) frame.fill(20 + ((x + 2 * y) % 16), (y * width + x) * 3, (y * width + x) * 3 + 3);
  if (withFace) drawTinyFace(frame, width, face.x, face.y, face.size, [220, 200, 180]);
  return frame;
}

/** 2 s: silence, then loud noise from 0.6 s to 1.4 s, then silence. */
function makeAudio(): Float32Array {
  const samples = new Float32Array(2 * 16_000);
  samples.set(noise(0.8 * 16_000, 0.5), 0.6 * 16_000);
  return samples;
}

function pixel(frame: Uint8Array, x: number, y: number): number[] {
  const at = (y * width + x) * 3;
  return Array.from(frame.subarray(at, at + 3));
}

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'redub-lipsync-'));
  directories = { detector: path.join(folder, 'yunet-2023mar'), model: path.join(folder, 'wav2lip-96') };
  writeTinyYunet(directories.detector);
  writeTinyWav2Lip(directories.model);
  syncer = await Wav2LipLipSyncer.load(directories, 'cpu');
  frames = Array.from({ length: frameCount }, (_, index) => makeFrame(index < facedFrames));
  audio = makeAudio();
  rendered = await syncer.render({ frames, width, height, fps }, audio, (fraction) => progress.push(fraction));
});

afterAll(async () => {
  await syncer?.dispose();
  rmSync(folder, { recursive: true, force: true });
});

describe('Wav2LipLipSyncer.render on the tiny graphs', () => {
  it('re-renders the frames with a face and hands back the others as they were', () => {
    expect(rendered.frames).toHaveLength(frameCount);
    expect(rendered.stats).toEqual({ framesWithFace: facedFrames, framesWithoutFace: frameCount - facedFrames });
    expect([rendered.width, rendered.height, rendered.fps]).toEqual([width, height, fps]);
    for (let index = facedFrames; index < frameCount; index++) {
      expect(rendered.frames[index] === frames[index]).toBe(true);
      expect(Buffer.from(rendered.frames[index]!).equals(makeFrame(false))).toBe(true);
    }
    // (Identity checked by hand: a failing toBe on a frame would deep-compare 230 kB for its message.)
    for (let index = 0; index < facedFrames; index++) expect(rendered.frames[index] === frames[index]).toBe(false);
    // The input frames themselves are not written to.
    expect(Buffer.from(frames[0]!).equals(makeFrame(true))).toBe(true);
  });

  it('changes only the lower face: the eyes, the rest of the face box and everything outside the crop keep their bytes', () => {
    for (let index = 0; index < facedFrames; index++) {
      const before = frames[index]!;
      const after = rendered.frames[index]!;
      let changed = 0;
      let changedOutside = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const at = (y * width + x) * 3;
          const same = before[at] === after[at] && before[at + 1] === after[at + 1] && before[at + 2] === after[at + 2];
          const inCrop = x >= crop.x && x < crop.x + crop.width && y >= crop.y && y < crop.y + crop.height;
          // The mask is zero above 42 % of the crop's height (the eyes and the nose).
          if (!inCrop || y < crop.y + 0.42 * crop.height) changedOutside += same ? 0 : 1;
          else changed += same ? 0 : 1;
        }
      }
      expect(changedOutside).toBe(0);
      expect(changed).toBeGreaterThan(100);
    }
  });

  it('colours each frame\'s mouth from that frame\'s own mel window: red when quiet, blue when loud', () => {
    const mel = wav2LipMel(audio);
    for (let index = 0; index < facedFrames; index++) {
      const loudness = tinyWav2LipLoudness(melWindowForFrame(mel, index, fps));
      // Tiny graph: R = 0.5·220 + 127.5·(1 − loudness), G = 0.5·200, B = 0.5·180 + 127.5·loudness.
      const [red, green, blue] = pixel(rendered.frames[index]!, mouth.x, mouth.y);
      expect(Math.abs(red! - (110 + 127.5 * (1 - loudness)))).toBeLessThanOrEqual(1);
      expect(Math.abs(green! - 100)).toBeLessThanOrEqual(1);
      expect(Math.abs(blue! - (90 + 127.5 * loudness))).toBeLessThanOrEqual(1);
    }
    // The pattern itself: silence until 0.6 s, loud until 1.4 s (a frame's window reaches 200 ms ahead).
    const redder = (index: number) => pixel(rendered.frames[index]!, mouth.x, mouth.y)[0]! - pixel(rendered.frames[index]!, mouth.x, mouth.y)[2]!;
    for (let index = 0; index <= 8; index++) expect(redder(index)).toBeGreaterThan(100);
    for (let index = 16; index <= 29; index++) expect(redder(index)).toBeLessThan(-100);
    for (let index = 36; index < facedFrames; index++) expect(redder(index)).toBeGreaterThan(100);
  });

  it('reports progress that only grows and ends at 1', () => {
    expect(progress.length).toBeGreaterThan(2);
    for (let index = 1; index < progress.length; index++) expect(progress[index]!).toBeGreaterThan(progress[index - 1]!);
    expect(progress.at(-1)).toBe(1);
  });
});

describe('Wav2LipLipSyncer.begin (streaming)', () => {
  it('gives the same frames pushed in chunks as rendered whole, each once and in order', async () => {
    const segment = syncer.begin({ width, height, fps, audio16k: audio, frameCount });
    const out: Uint8Array[] = [];
    for (let first = 0; first < frameCount; first += 7) {
      const chunk = await segment.push(frames.slice(first, first + 7));
      // Held back at most the two frames the smoothing looks ahead and the one waiting for the next detection.
      expect(heldBackFrames).toBe(3);
      expect(first + Math.min(7, frameCount - first) - (out.length + chunk.length)).toBeLessThanOrEqual(heldBackFrames);
      out.push(...chunk);
    }
    out.push(...(await segment.finish()));
    expect(out).toHaveLength(frameCount);
    out.forEach((frame, index) => expect(Buffer.from(frame).equals(Buffer.from(rendered.frames[index]!))).toBe(true));
    expect(segment.stats).toEqual(rendered.stats);
    await expect(segment.push(frames.slice(0, 1))).rejects.toThrow();
  });

  it('pastes into the frames themselves when they are handed over, with the same result, and leaves them alone otherwise', async () => {
    const originals = frames.map((frame) => Buffer.from(frame));
    const kept = syncer.begin({ width, height, fps, audio16k: audio, frameCount });
    await kept.push(frames);
    await kept.finish();
    frames.forEach((frame, index) => expect(Buffer.from(frame).equals(originals[index]!)).toBe(true));

    const given = frames.map((frame) => frame.slice());
    const segment = syncer.begin({ width, height, fps, audio16k: audio, frameCount, framesHandedOver: true });
    const out = [...(await segment.push(given)), ...(await segment.finish())];
    out.forEach((frame, index) => {
      expect(frame, `frame ${index}`).toBe(given[index]);
      expect(Buffer.from(frame).equals(Buffer.from(rendered.frames[index]!))).toBe(true);
    });
    expect(segment.stats).toEqual(rendered.stats);
  });

  it('stops with E_CANCELLED when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const segment = syncer.begin({ width, height, fps, audio16k: audio, signal: controller.signal });
    expect((await rejectionOf(segment.push(frames.slice(0, 3)))).code).toBe('E_CANCELLED');
  });

  it('refuses a frame of the wrong size', async () => {
    const segment = syncer.begin({ width, height, fps, audio16k: audio });
    await expect(segment.push([new Uint8Array(10)])).rejects.toThrow(RangeError);
  });
});

describe('Wav2LipLipSyncer.load', () => {
  it('names the pack and its install command when the detector or the model file is missing (E_MODEL_MISSING)', async () => {
    const empty = path.join(folder, 'empty');
    mkdirSync(empty, { recursive: true });
    const noDetector = await rejectionOf(Wav2LipLipSyncer.load({ detector: empty, model: directories.model }, 'cpu'));
    expect(noDetector.code).toBe('E_MODEL_MISSING');
    expect(noDetector.message).toContain('"yunet-2023mar"');
    expect(noDetector.action).toContain('redub models install yunet-2023mar');
    const noModel = await rejectionOf(Wav2LipLipSyncer.load({ detector: directories.detector, model: path.join(folder, 'absent') }, 'cpu'));
    expect(noModel.code).toBe('E_MODEL_MISSING');
    expect(noModel.message).toContain('"wav2lip-96"');
    expect(noModel.message).toContain('not installed');
    expect(noModel.action).toContain('redub models install wav2lip-96');
  });

  it('has a version that starts with the engine revision and changes when a model file changes', () => {
    const files = lipSyncModelFiles(directories);
    expect(syncer.version).toBe(lipSyncVersion(files));
    expect(syncer.version.startsWith(`${engineRevisions.lipsync}+yunet-`)).toBe(true);
    const other = path.join(folder, 'other-model');
    writeTinyWav2Lip(other, { fixedBatch: 1 });
    expect(lipSyncVersion(lipSyncModelFiles({ detector: directories.detector, model: other }))).not.toBe(syncer.version);
  });

  it('renders the same frames with a model whose batch is fixed at 1', async () => {
    const other = path.join(folder, 'single-batch');
    writeTinyWav2Lip(other, { fixedBatch: 1 });
    const single = await Wav2LipLipSyncer.load({ detector: directories.detector, model: other }, 'cpu');
    try {
      expect(single.batchSize).toBe(1);
      expect(single.executionProvider).toBe('cpu');
      const result = await single.render({ frames: frames.slice(0, 12), width, height, fps }, audio);
      result.frames.forEach((frame, index) => expect(Buffer.from(frame).equals(Buffer.from(rendered.frames[index]!))).toBe(true));
    } finally {
      await single.dispose();
    }
  });
});
