// Owns the YuNet face detector (OpenCV Zoo face_detection_yunet_2023mar.onnx, MIT) on ONNX
// Runtime: the frame letterboxed into the model's fixed 640×640 BGR input, its 12 outputs
// decoded as OpenCV's FaceDetectorYN does (score √(cls·obj), one anchor per cell at the cell's
// top-left corner), then greedy non-maximum suppression. Faces come back in frame pixels.

import * as ort from 'onnxruntime-node';
import { RedubError } from '../../../shared/errors.js';
import { createSessionWithFallback, runWithFallback, type ExecutionPreference, type ExecutionProviderName, type SessionHolder } from '../../models/execution-providers.js';
import { resampleIntoBgrPlanes, type Pixels3 } from './image-resample.js';
import { lipSyncPacks } from './lipsync-packs.js';
import { lipSyncSessionOptions } from './lipsync-session.js';

const reinstall = `Install the face detector again with \`redub models install ${lipSyncPacks.detector.id}\`.`;

export interface Point {
  x: number;
  y: number;
}

/** A face box in frame pixels: top-left corner and size. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DetectedFace {
  box: FaceBox;
  /** Image-left eye, image-right eye, nose tip, image-left and image-right mouth corners. */
  landmarks: Point[];
  /** √(cls·obj), 0–1. */
  score: number;
}

export interface YunetOptions {
  /** Faces scoring below this are dropped before suppression (OpenCV Zoo's default 0.6). */
  scoreThreshold?: number;
  /** Overlap (IoU) above which the lower-scoring of two faces is dropped (0.3). */
  nmsThreshold?: number;
  /** At most this many faces are kept (5000). */
  topK?: number;
}

const defaults: Required<YunetOptions> = { scoreThreshold: 0.6, nmsThreshold: 0.3, topK: 5000 };

export const yunetInputName = 'input';
export const yunetStrides = [8, 16, 32] as const;
/** The graph's outputs in export order: cls, obj, bbox, kps, each at strides 8, 16 and 32. */
export const yunetOutputNames = (['cls', 'obj', 'bbox', 'kps'] as const).flatMap((kind) => yunetStrides.map((stride) => `${kind}_${stride}`));
/** The 2023mar export's fixed input size, used when the graph declares a symbolic one. */
export const yunetDefaultInputSize = 640;

/** The model input for one frame, and how its pixels map back to the frame's. */
export interface YunetInput {
  /** [1, 3, height, width] BGR, 0–255, the frame at the top-left and zeros after. */
  data: Float32Array;
  width: number;
  height: number;
  /** Frame pixels per input pixel, across and down. */
  ratioX: number;
  ratioY: number;
}

export class YunetDetector {
  private readonly options: Required<YunetOptions>;
  private buffer: Float32Array | undefined;

  private constructor(
    private readonly holder: SessionHolder,
    readonly inputWidth: number,
    readonly inputHeight: number,
    options: YunetOptions,
  ) {
    this.options = { ...defaults, ...options };
  }

  /** Loads the ONNX file; a file that is not YuNet (other input or outputs) is E_MODEL_CORRUPT. */
  static async load(modelPath: string, preference: ExecutionPreference = 'auto', log?: (message: string) => void, options: YunetOptions = {}): Promise<YunetDetector> {
    const holder = await createSessionWithFallback(modelPath, {
      preference,
      sessionOptions: lipSyncSessionOptions,
      log,
      errorCode: 'E_MODEL_CORRUPT',
      errorDetails: [`ONNX Runtime could not load the face detector ${modelPath}.`],
    });
    const session = holder.session;
    const missing = [yunetInputName].filter((name) => !session.inputNames.includes(name))
      .concat(yunetOutputNames.filter((name) => !session.outputNames.includes(name)));
    if (missing.length > 0) {
      await session.release();
      throw new RedubError('E_MODEL_CORRUPT', {
        message: 'The face detector file is not a YuNet model.',
        details: [`${modelPath} lacks ${missing.join(', ')}.`],
        action: reinstall,
      });
    }
    const [height, width] = inputSize(session);
    return new YunetDetector(holder, width, height, options);
  }

  get executionProvider(): ExecutionProviderName {
    return this.holder.provider;
  }

  /** The faces in one RGB24 frame, best first; `options` override the detector's for this frame. */
  async detect(frame: Pixels3, options: YunetOptions = {}): Promise<DetectedFace[]> {
    // The input buffer is reused (4.9 MB a frame less to collect); a call made while another
    // runs takes a fresh one.
    const input = yunetInput(frame, this.inputWidth, this.inputHeight, this.buffer);
    this.buffer = undefined;
    let result: ort.InferenceSession.ReturnType;
    try {
      result = await runWithFallback(this.holder, {
        [yunetInputName]: new ort.Tensor('float32', input.data, [1, 3, input.height, input.width]),
      });
    } finally {
      this.buffer = input.data;
    }
    const outputs: Record<string, Float32Array> = {};
    for (const name of yunetOutputNames) outputs[name] = result[name]!.data as Float32Array;
    return decodeYunet(outputs, input, { ...this.options, ...options });
  }

  async release(): Promise<void> {
    await this.holder.session.release();
  }
}

/** [height, width] from the graph's input, or 640×640 where those are symbolic. */
function inputSize(session: ort.InferenceSession): [number, number] {
  const metadata = session.inputMetadata.find((value) => value.name === yunetInputName);
  const shape = metadata?.isTensor ? metadata.shape : [];
  const fixed = (dim: number | string | undefined) => (typeof dim === 'number' && dim > 0 ? dim : yunetDefaultInputSize);
  return [fixed(shape[2]), fixed(shape[3])];
}

/**
 * The frame scaled to fit the input (aspect kept; up or down), at the top-left, zero-padded,
 * as BGR planes of 0–255 floats. Scaled bilinearly, as YuNet's own demo feeds it (cv2.resize,
 * INTER_LINEAR), down to half size, where every source pixel still counts (a 720p frame is
 * exactly halved); shrinking further is antialiased, so a 4K frame does not alias.
 */
export function yunetInput(frame: Pixels3, width = yunetDefaultInputSize, height = yunetDefaultInputSize, into?: Float32Array): YunetInput {
  const scale = Math.min(width / frame.width, height / frame.height);
  const resizedWidth = Math.max(1, Math.min(width, Math.round(frame.width * scale)));
  const resizedHeight = Math.max(1, Math.min(height, Math.round(frame.height * scale)));
  const plane = width * height;
  const data = into?.length === 3 * plane ? into : new Float32Array(3 * plane);
  // Straight into the planes (no interleaved copy to reorder); only the padding is zeroed, as
  // a reused buffer still holds the last frame there.
  const antialias = resizedWidth * 2 < frame.width || resizedHeight * 2 < frame.height;
  resampleIntoBgrPlanes(frame, { x: 0, y: 0, width: frame.width, height: frame.height }, resizedWidth, resizedHeight, antialias, { data, planeWidth: width, planeSize: plane });
  for (let channel = 0; channel < 3; channel++) {
    const base = channel * plane;
    if (resizedWidth < width) for (let y = 0; y < resizedHeight; y++) data.fill(0, base + y * width + resizedWidth, base + (y + 1) * width);
    data.fill(0, base + resizedHeight * width, base + plane);
  }
  return { data, width, height, ratioX: frame.width / resizedWidth, ratioY: frame.height / resizedHeight };
}

/** Decodes the 12 outputs (by name) into faces in frame pixels, thresholded and suppressed. */
export function decodeYunet(outputs: Record<string, Float32Array>, input: Pick<YunetInput, 'width' | 'height' | 'ratioX' | 'ratioY'>, options: YunetOptions = {}): DetectedFace[] {
  const { scoreThreshold, nmsThreshold, topK } = { ...defaults, ...options };
  const candidates: DetectedFace[] = [];
  for (const stride of yunetStrides) {
    const columns = Math.floor(input.width / stride);
    const rows = Math.floor(input.height / stride);
    const cells = rows * columns;
    const cls = output(outputs, `cls_${stride}`, cells);
    const obj = output(outputs, `obj_${stride}`, cells);
    const bbox = output(outputs, `bbox_${stride}`, cells * 4);
    const kps = output(outputs, `kps_${stride}`, cells * 10);
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        const cell = row * columns + column;
        const score = Math.sqrt(clamp01(cls[cell]!) * clamp01(obj[cell]!));
        if (score < scoreThreshold) continue;
        const centreX = (column + bbox[cell * 4]!) * stride;
        const centreY = (row + bbox[cell * 4 + 1]!) * stride;
        const width = Math.exp(bbox[cell * 4 + 2]!) * stride;
        const height = Math.exp(bbox[cell * 4 + 3]!) * stride;
        const landmarks: Point[] = [];
        for (let point = 0; point < 5; point++) {
          landmarks.push({
            x: (kps[cell * 10 + 2 * point]! + column) * stride * input.ratioX,
            y: (kps[cell * 10 + 2 * point + 1]! + row) * stride * input.ratioY,
          });
        }
        candidates.push({
          box: { x: (centreX - width / 2) * input.ratioX, y: (centreY - height / 2) * input.ratioY, width: width * input.ratioX, height: height * input.ratioY },
          landmarks,
          score,
        });
      }
    }
  }
  return suppressOverlaps(candidates, nmsThreshold, topK);
}

/** Greedy NMS, as cv2.dnn.NMSBoxes with eta 1: best score first, drop what overlaps a kept face more than `iouThreshold`. */
export function suppressOverlaps(faces: DetectedFace[], iouThreshold: number, topK = Number.POSITIVE_INFINITY): DetectedFace[] {
  const ordered = [...faces].sort((a, b) => b.score - a.score);
  const kept: DetectedFace[] = [];
  for (const face of ordered) {
    if (kept.length >= topK) break;
    if (kept.every((other) => boxIou(face.box, other.box) <= iouThreshold)) kept.push(face);
  }
  return kept;
}

/** Intersection over union of two boxes (0 when either is empty). */
export function boxIou(a: FaceBox, b: FaceBox): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  const union = a.width * a.height + b.width * b.height - intersection;
  return union > 0 ? intersection / union : 0;
}

function output(outputs: Record<string, Float32Array>, name: string, expected: number): Float32Array {
  const values = outputs[name];
  if (!values || values.length !== expected) {
    throw new RedubError('E_MODEL_CORRUPT', {
      message: 'The face detector gave output of an unexpected shape; it is not the YuNet 2023mar model.',
      details: [`${name} has ${values?.length ?? 0} values where ${expected} were expected.`],
      action: reinstall,
    });
  }
  return values;
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
