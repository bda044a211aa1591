// Owns the lip-sync model in facefusion's Wav2Lip-96 ONNX layout (wav2lip_96.onnx; Rudrabha's
// weights, non-commercial): inputs `source` [B,1,80,16] (the frame's mel window) and `target`
// [B,6,96,96] (BGR / 255: channels 0–2 the face crop with its lower half zeroed, 3–5 the same
// crop whole), first output [B,3,96,96] BGR in 0–1. The face crop is Wav2Lip's: the face box with
// 10 % more at the bottom, resized bilinearly to 96×96 whatever its aspect.

import * as ort from 'onnxruntime-node';
import { RedubError } from '../../../shared/errors.js';
import { createSessionWithFallback, runWithFallback, type ExecutionPreference, type ExecutionProviderName, type SessionHolder } from '../../models/execution-providers.js';
import { resampleRegion, type Pixels3, type Rect } from './image-resample.js';
import { lipSyncPacks } from './lipsync-packs.js';
import { melBands, melWindowColumns } from './wav2lip-mel.js';
import type { FaceBox } from './yunet-detector.js';
import { lipSyncSessionOptions } from './lipsync-session.js';

export const wav2LipFaceSize = 96;
/** Frames per run when the graph's batch axis is symbolic. */
export const wav2LipMaxBatch = 16;
/** The crop reaches this share of the face box's height below the box (Wav2Lip pads the chin). */
export const wav2LipBottomPad = 0.1;
/** Crops narrower or shorter than this (a face cut by the frame's edge) are not rendered. */
export const wav2LipMinCropPixels = 8;

const pixels = wav2LipFaceSize * wav2LipFaceSize;
const melValues = melBands * melWindowColumns;
const reinstall = `Install the lip-sync model again with \`redub models install ${lipSyncPacks.model.id}\`.`;

/** One frame's inputs: its 80×16 mel window (band-major) and its 96×96 RGB face crop (0–255). */
export interface Wav2LipItem {
  mel: Float32Array;
  face: Float32Array;
}

export class Wav2LipModel {
  private constructor(
    private readonly holder: SessionHolder,
    /** Frames per run: the graph's fixed batch size, or wav2LipMaxBatch where it is symbolic. */
    readonly batchSize: number,
    /** The graph takes exactly `batchSize` frames a run; a short batch is padded. */
    readonly fixedBatch: boolean,
    readonly outputName: string,
  ) {}

  static async load(modelPath: string, preference: ExecutionPreference = 'auto', log?: (message: string) => void): Promise<Wav2LipModel> {
    const holder = await createSessionWithFallback(modelPath, {
      preference,
      sessionOptions: lipSyncSessionOptions,
      log,
      errorCode: 'E_MODEL_CORRUPT',
      errorDetails: [`ONNX Runtime could not load the lip-sync model ${modelPath}.`],
    });
    const session = holder.session;
    const problems = layoutProblems(session);
    if (problems.length > 0) {
      await session.release();
      throw new RedubError('E_MODEL_CORRUPT', {
        message: 'The lip-sync model file is not in the Wav2Lip-96 layout (inputs source [B,1,80,16] and target [B,6,96,96]).',
        details: [`${modelPath}: ${problems.join('; ')}.`],
        action: reinstall,
      });
    }
    const batch = tensorShape(session, 'source')[0];
    const fixed = isFixed(batch);
    return new Wav2LipModel(holder, fixed ? batch : wav2LipMaxBatch, fixed, session.outputNames[0]!);
  }

  get executionProvider(): ExecutionProviderName {
    return this.holder.provider;
  }

  /** Each item's re-rendered face, 96×96 RGB 0–255 floats; runs in batches of `batchSize`. */
  async predict(items: readonly Wav2LipItem[]): Promise<Float32Array[]> {
    const faces: Float32Array[] = [];
    for (let first = 0; first < items.length; first += this.batchSize) {
      const batch = items.slice(first, first + this.batchSize);
      const size = this.fixedBatch ? this.batchSize : batch.length;
      const result = await runWithFallback(this.holder, {
        source: new ort.Tensor('float32', wav2LipSource(batch, size), [size, 1, melBands, melWindowColumns]),
        target: new ort.Tensor('float32', wav2LipTarget(batch, size), [size, 6, wav2LipFaceSize, wav2LipFaceSize]),
      });
      const output = result[this.outputName]!;
      const data = output.data as Float32Array;
      if (output.type !== 'float32' || data.length !== size * 3 * pixels) {
        throw new RedubError('E_MODEL_CORRUPT', {
          message: 'The lip-sync model gave output of an unexpected shape.',
          details: [`${this.outputName} is ${output.type} [${output.dims.join(', ')}], not float32 [${size}, 3, 96, 96].`],
          action: reinstall,
        });
      }
      for (let index = 0; index < batch.length; index++) faces.push(outputFace(data, index));
    }
    return faces;
  }

  async release(): Promise<void> {
    await this.holder.session.release();
  }
}

/**
 * The frame region the model re-renders for a smoothed face box: the box plus 10 % of its height
 * below, rounded and clipped to the frame; null when too little of it is inside the frame.
 */
export function wav2LipCropRect(box: FaceBox, frameWidth: number, frameHeight: number): Rect | null {
  const left = Math.max(0, Math.round(box.x));
  const top = Math.max(0, Math.round(box.y));
  const right = Math.min(frameWidth, Math.round(box.x + box.width));
  const bottom = Math.min(frameHeight, Math.round(box.y + box.height * (1 + wav2LipBottomPad)));
  if (right - left < wav2LipMinCropPixels || bottom - top < wav2LipMinCropPixels) return null;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** The 96×96 RGB crop of `rect`, rounded to whole 0–255 values as cv2.resize of 8-bit pixels gives. */
export function wav2LipFaceCrop(frame: Pixels3, rect: Rect): Float32Array {
  const face = resampleRegion(frame, rect, wav2LipFaceSize, wav2LipFaceSize, false);
  for (let index = 0; index < face.length; index++) face[index] = Math.round(face[index]!);
  return face;
}

/** `source` for a batch: the mel windows, [size,1,80,16]; a padded batch repeats its last frame. */
export function wav2LipSource(batch: readonly Wav2LipItem[], size = batch.length): Float32Array {
  const data = new Float32Array(size * melValues);
  for (let index = 0; index < size; index++) {
    const item = batch[Math.min(index, batch.length - 1)]!;
    if (item.mel.length !== melValues) throw new RangeError(`a mel window has ${item.mel.length} values, not ${melValues}`);
    data.set(item.mel, index * melValues);
  }
  return data;
}

/**
 * `target` for a batch, [size,6,96,96] BGR / 255: channels 0–2 the crop with rows 48–95 zeroed
 * (the mouth the model draws), 3–5 the whole crop (the reference for identity and pose).
 */
export function wav2LipTarget(batch: readonly Wav2LipItem[], size = batch.length): Float32Array {
  const data = new Float32Array(size * 6 * pixels);
  const maskedFrom = (wav2LipFaceSize / 2) * wav2LipFaceSize;
  for (let index = 0; index < size; index++) {
    const face = batch[Math.min(index, batch.length - 1)]!.face;
    if (face.length !== pixels * 3) throw new RangeError(`a face crop has ${face.length} values, not ${pixels * 3}`);
    const base = index * 6 * pixels;
    for (let channel = 0; channel < 3; channel++) {
      // BGR: plane 0 is blue, the crop's third value.
      const offset = 2 - channel;
      const masked = base + channel * pixels;
      const whole = base + (channel + 3) * pixels;
      for (let pixel = 0; pixel < pixels; pixel++) {
        const value = face[pixel * 3 + offset]! / 255;
        data[whole + pixel] = value;
        if (pixel < maskedFrom) data[masked + pixel] = value;
      }
    }
  }
  return data;
}

/** Item `index` of the output, [3,96,96] BGR 0–1, as 96×96 RGB 0–255 (clipped). */
function outputFace(data: Float32Array, index: number): Float32Array {
  const face = new Float32Array(pixels * 3);
  const base = index * 3 * pixels;
  for (let channel = 0; channel < 3; channel++) {
    const plane = base + channel * pixels;
    const offset = 2 - channel;
    for (let pixel = 0; pixel < pixels; pixel++) {
      const value = data[plane + pixel]!;
      face[pixel * 3 + offset] = (value < 0 ? 0 : value > 1 ? 1 : value) * 255;
    }
  }
  return face;
}

function tensorShape(session: ort.InferenceSession, name: string): readonly (number | string)[] {
  const metadata = session.inputMetadata.find((value) => value.name === name);
  return metadata?.isTensor ? metadata.shape : [];
}

/** What keeps the graph from being Wav2Lip-96: missing inputs, or fixed sizes that differ. */
function layoutProblems(session: ort.InferenceSession): string[] {
  const problems: string[] = [];
  const expected: Record<string, (number | null)[]> = { source: [null, 1, melBands, melWindowColumns], target: [null, 6, wav2LipFaceSize, wav2LipFaceSize] };
  for (const [name, dims] of Object.entries(expected)) {
    if (!session.inputNames.includes(name)) {
      problems.push(`it has no input "${name}"`);
      continue;
    }
    const shape = tensorShape(session, name);
    if (shape.length === 0) continue;
    const wrong = shape.length !== dims.length || dims.some((dim, axis) => dim !== null && isFixed(shape[axis]) && shape[axis] !== dim);
    if (wrong) problems.push(`input "${name}" is [${shape.join(', ')}]`);
  }
  if (session.outputNames.length === 0) problems.push('it has no output');
  return problems;
}

/** A dimension with a size (ONNX Runtime reports symbolic ones by name, unknown ones as −1). */
function isFixed(dim: number | string | undefined): dim is number {
  return typeof dim === 'number' && dim > 0;
}
