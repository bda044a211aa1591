// Owns resizing interleaved 3-channel pixels (RGB24 frames, float crops) for the lip-sync engine:
// separable bilinear resampling of a region of an image, with OpenCV's pixel-centre convention
// (cv2.resize INTER_LINEAR, which Wav2Lip uses for its 96×96 crops) and an antialiased variant
// whose triangle widens when shrinking (so a 4K frame shrunk for the face detector does not alias).

/** A rectangle in pixels: integer for crops of frames, any real numbers for source regions. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Interleaved 3-channel pixels, row after row. */
export interface Pixels3 {
  data: Uint8Array | Float32Array;
  width: number;
  height: number;
}

interface AxisTaps {
  /** First source index of each output index. */
  starts: Int32Array;
  /** Taps per output index (all the same: `taps`), with weights summing to 1. */
  weights: Float32Array;
  taps: number;
  /** The source indices the output reads, lowest and highest. */
  low: number;
  high: number;
}

/**
 * Resamples `region` of `source` to `width` × `height`, interleaved float values in the source's
 * units (0–255 for a frame). Pixels outside the source repeat its edge (BORDER_REPLICATE).
 */
export function resampleRegion(source: Pixels3, region: Rect, width: number, height: number, antialias: boolean): Float32Array {
  if (width < 1 || height < 1) throw new RangeError(`cannot resample to ${width}×${height}`);
  const columns = axisTaps(region.x, region.width, source.width, width, antialias);
  const rows = axisTaps(region.y, region.height, source.height, height, antialias);
  const data = source.data;
  // Horizontal pass over only the source rows the vertical pass reads.
  const rowCount = rows.high - rows.low + 1;
  const horizontal = new Float32Array(rowCount * width * 3);
  for (let row = 0; row < rowCount; row++) {
    const sourceRow = (rows.low + row) * source.width * 3;
    const outRow = row * width * 3;
    for (let x = 0; x < width; x++) {
      const start = columns.starts[x]!;
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let tap = 0; tap < columns.taps; tap++) {
        const weight = columns.weights[x * columns.taps + tap]!;
        if (weight === 0) continue;
        const at = sourceRow + clamp(start + tap, source.width) * 3;
        red += weight * data[at]!;
        green += weight * data[at + 1]!;
        blue += weight * data[at + 2]!;
      }
      horizontal[outRow + x * 3] = red;
      horizontal[outRow + x * 3 + 1] = green;
      horizontal[outRow + x * 3 + 2] = blue;
    }
  }
  const out = new Float32Array(width * height * 3);
  const stride = width * 3;
  for (let y = 0; y < height; y++) {
    const start = rows.starts[y]!;
    const outRow = y * stride;
    for (let tap = 0; tap < rows.taps; tap++) {
      const weight = rows.weights[y * rows.taps + tap]!;
      if (weight === 0) continue;
      const from = (clamp(start + tap, source.height) - rows.low) * stride;
      for (let index = 0; index < stride; index++) out[outRow + index]! += weight * horizontal[from + index]!;
    }
  }
  return out;
}

/**
 * The taps along one axis. Output index i samples the source at
 * start + (i + 0.5)·scale − 0.5 (OpenCV's centres); bilinear uses the two nearest source pixels,
 * antialiased a triangle of half-width max(1, scale).
 */
function axisTaps(start: number, span: number, limit: number, length: number, antialias: boolean): AxisTaps {
  const scale = span / length;
  const support = antialias ? Math.max(1, scale) : 1;
  // The open interval (centre − support, centre + support) holds at most ⌈2·support⌉ whole numbers.
  const taps = Math.ceil(2 * support);
  const starts = new Int32Array(length);
  const weights = new Float32Array(length * taps);
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < length; index++) {
    const centre = start + (index + 0.5) * scale - 0.5;
    const first = Math.floor(centre - support) + 1;
    starts[index] = first;
    let total = 0;
    for (let tap = 0; tap < taps; tap++) {
      const weight = Math.max(0, 1 - Math.abs(first + tap - centre) / support);
      weights[index * taps + tap] = weight;
      total += weight;
      if (weight > 0) {
        const at = clamp(first + tap, limit);
        low = Math.min(low, at);
        high = Math.max(high, at);
      }
    }
    for (let tap = 0; tap < taps; tap++) weights[index * taps + tap]! /= total;
  }
  return { starts, weights, taps, low, high };
}

function clamp(index: number, limit: number): number {
  return index < 0 ? 0 : index >= limit ? limit - 1 : index;
}
