// Owns resizing interleaved 3-channel pixels (RGB24 frames, float crops) for the lip-sync engine:
// separable bilinear resampling of a region of an image, with OpenCV's pixel-centre convention
// (cv2.resize INTER_LINEAR, which Wav2Lip uses for its 96×96 crops) and an antialiased variant
// whose triangle widens when shrinking (so a 4K frame shrunk for the face detector does not alias).
//
// This runs on every frame (the detector's whole-frame shrink is most of the engine's own time),
// so the inner loops read precomputed, already clamped source offsets instead of clamping each
// tap, the horizontal pass writes into one scratch buffer reused across calls instead of a fresh
// array per resize, and the detector's input is written straight into its BGR planes; an exact
// 2× bilinear shrink of a whole frame (720p into the detector) sums bytes in integers, which
// for that case is exact. Every path gives the plain loops' values to the last bit (the tests hold them to it).

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

/** Where resampleIntoBgrPlanes writes: three planes (blue, green, red) of one float buffer. */
export interface BgrPlanes {
  data: Float32Array;
  /** Values per row of a plane (at least the resampled width). */
  planeWidth: number;
  /** Values per plane: blue starts at 0, green at planeSize, red at 2·planeSize. */
  planeSize: number;
}

interface AxisTaps {
  /** Taps per output index (all the same: `taps`), with weights summing to 1. */
  taps: number;
  /** Output index i's taps' weights at [i·taps, (i + 1)·taps). */
  weights: Float32Array;
  /** Each tap's source index, clamped into the source (BORDER_REPLICATE). */
  indices: Int32Array;
  /** The source indices the output reads, lowest and highest. */
  low: number;
  high: number;
}

/** The horizontal pass's rows, reused by every call (resampling is synchronous); grows as needed. */
let scratch = new Float32Array(0);

/**
 * Resamples `region` of `source` to `width` × `height`, interleaved float values in the source's
 * units (0–255 for a frame). Pixels outside the source repeat its edge (BORDER_REPLICATE).
 */
export function resampleRegion(source: Pixels3, region: Rect, width: number, height: number, antialias: boolean): Float32Array {
  const { rows, horizontal } = resampleRows(source, region, width, height, antialias);
  const out = new Float32Array(width * height * 3);
  const stride = width * 3;
  const { taps, weights, indices, low } = rows;
  for (let y = 0; y < height; y++) {
    const outRow = y * stride;
    for (let tap = 0; tap < taps; tap++) {
      const weight = weights[y * taps + tap]!;
      if (weight === 0) continue;
      const from = (indices[y * taps + tap]! - low) * stride;
      for (let index = 0; index < stride; index++) out[outRow + index]! += weight * horizontal[from + index]!;
    }
  }
  return out;
}

/**
 * resampleRegion's result, the same values, written as planes into `into` instead of interleaved:
 * pixel (x, y)'s red, green and blue go to `2·planeSize`, `planeSize` and `0` past y·planeWidth + x.
 * Values outside the width × height corner of each plane are left as they are.
 */
export function resampleIntoBgrPlanes(source: Pixels3, region: Rect, width: number, height: number, antialias: boolean, into: BgrPlanes): void {
  const { data, planeWidth, planeSize } = into;
  if (planeWidth < width || planeSize < planeWidth * (height - 1) + width || data.length < 3 * planeSize) {
    throw new RangeError(`${width}×${height} planes do not fit ${planeWidth}-wide planes of ${planeSize} in ${data.length} values`);
  }
  if (!antialias && source.data instanceof Uint8Array && region.x === 0 && region.y === 0 && region.width === source.width && region.height === source.height
    && source.width === 2 * width && source.height === 2 * height) {
    halveBytesIntoBgrPlanes(source.data, width, height, into);
    return;
  }
  const { rows, horizontal } = resampleRows(source, region, width, height, antialias);
  const stride = width * 3;
  const { taps, weights, indices, low } = rows;
  const fround = Math.fround;
  if (taps === 4 || taps === 2) {
    // The common cases unrolled (2× shrinks have 4 taps, bilinear and enlarging 2). A tap of
    // weight 0 adds exactly 0 to a float32 sum, so not skipping it changes no value.
    for (let y = 0; y < height; y++) {
      const base = y * taps;
      const w0 = weights[base]!;
      const w1 = weights[base + 1]!;
      const w2 = taps === 4 ? weights[base + 2]! : 0;
      const w3 = taps === 4 ? weights[base + 3]! : 0;
      const row0 = (indices[base]! - low) * stride;
      const row1 = (indices[base + 1]! - low) * stride;
      const row2 = taps === 4 ? (indices[base + 2]! - low) * stride : row0;
      const row3 = taps === 4 ? (indices[base + 3]! - low) * stride : row0;
      const blue = y * planeWidth;
      const green = planeSize + blue;
      const red = 2 * planeSize + blue;
      for (let x = 0, at = 0; x < width; x++, at += 3) {
        for (let channel = 0; channel < 3; channel++) {
          let sum = fround(fround(w0 * horizontal[row0 + at + channel]!) + w1 * horizontal[row1 + at + channel]!);
          if (taps === 4) sum = fround(fround(sum + w2 * horizontal[row2 + at + channel]!) + w3 * horizontal[row3 + at + channel]!);
          data[(channel === 0 ? red : channel === 1 ? green : blue) + x] = sum;
        }
      }
    }
    return;
  }
  for (let y = 0; y < height; y++) {
    const base = y * taps;
    const blue = y * planeWidth;
    const green = planeSize + blue;
    const red = 2 * planeSize + blue;
    for (let x = 0; x < width; x++) {
      const at = x * 3;
      // Rounded to float32 after each tap, as resampleRegion's `+=` into its Float32Array is.
      let r = 0;
      let g = 0;
      let b = 0;
      for (let tap = 0; tap < taps; tap++) {
        const weight = weights[base + tap]!;
        if (weight === 0) continue;
        const from = (indices[base + tap]! - low) * stride + at;
        r = fround(r + weight * horizontal[from]!);
        g = fround(g + weight * horizontal[from + 1]!);
        b = fround(b + weight * horizontal[from + 2]!);
      }
      data[red + x] = r;
      data[green + x] = g;
      data[blue + x] = b;
    }
  }
}

/**
 * An exact 2× bilinear shrink of a whole byte frame (a 720p frame into the detector's input).
 * Halving, OpenCV's centres fall halfway between source pixels 2i and 2i + 1 on each axis, so
 * each value is the mean of a 2×2 block: the bilinear loops' 0.5·a + 0.5·b of the rows, then
 * of the columns, every partial sum a multiple of 1/4 below 256 and so exact in float32. That
 * mean is what this computes, the four bytes summed in integers, with no weights to load.
 */
function halveBytesIntoBgrPlanes(data: Uint8Array, width: number, height: number, into: BgrPlanes): void {
  const { data: planes, planeWidth, planeSize } = into;
  const sourceStride = 2 * width * 3;
  for (let y = 0; y < height; y++) {
    const top = 2 * y * sourceStride;
    const bottom = top + sourceStride;
    const blue = y * planeWidth;
    const green = planeSize + blue;
    const red = 2 * planeSize + blue;
    for (let x = 0, at = 0; x < width; x++, at += 6) {
      planes[red + x] = (data[top + at]! + data[top + at + 3]! + data[bottom + at]! + data[bottom + at + 3]!) * 0.25;
      planes[green + x] = (data[top + at + 1]! + data[top + at + 4]! + data[bottom + at + 1]! + data[bottom + at + 4]!) * 0.25;
      planes[blue + x] = (data[top + at + 2]! + data[top + at + 5]! + data[bottom + at + 2]! + data[bottom + at + 5]!) * 0.25;
    }
  }
}

/** The vertical taps, and the horizontal pass over only the source rows they read (in `scratch`). */
function resampleRows(source: Pixels3, region: Rect, width: number, height: number, antialias: boolean): { rows: AxisTaps; horizontal: Float32Array } {
  if (width < 1 || height < 1) throw new RangeError(`cannot resample to ${width}×${height}`);
  const columns = axisTaps(region.x, region.width, source.width, width, antialias);
  const rows = axisTaps(region.y, region.height, source.height, height, antialias);
  const data = source.data;
  const rowCount = rows.high - rows.low + 1;
  const needed = rowCount * width * 3;
  if (scratch.length < needed) scratch = new Float32Array(needed);
  const horizontal = scratch;
  // Source offsets of each tap within a row (index·3), so the inner loop neither clamps nor multiplies.
  const offsets = new Int32Array(columns.indices.length);
  for (let index = 0; index < offsets.length; index++) offsets[index] = columns.indices[index]! * 3;
  // One loop per element type, so each stays monomorphic (frames are bytes, model faces floats).
  if (data instanceof Uint8Array) horizontalBytes(data, source.width * 3, rows.low, rowCount, width, columns.taps, columns.weights, offsets, horizontal);
  else horizontalFloats(data, source.width * 3, rows.low, rowCount, width, columns.taps, columns.weights, offsets, horizontal);
  return { rows, horizontal };
}

/** The horizontal pass over `rowCount` source rows from `firstRow`, for byte sources. */
function horizontalBytes(data: Uint8Array, sourceStride: number, firstRow: number, rowCount: number, width: number, taps: number, weights: Float32Array, offsets: Int32Array, horizontal: Float32Array): void {
  if (taps === 4) {
    // A 2× shrink (the detector's 720p input) unrolled; the sum's order, and so its value, is the loop's.
    for (let row = 0; row < rowCount; row++) {
      const sourceRow = (firstRow + row) * sourceStride;
      let to = row * width * 3;
      for (let x = 0, base = 0; x < width; x++, base += 4) {
        const w0 = weights[base]!;
        const w1 = weights[base + 1]!;
        const w2 = weights[base + 2]!;
        const w3 = weights[base + 3]!;
        const a0 = sourceRow + offsets[base]!;
        const a1 = sourceRow + offsets[base + 1]!;
        const a2 = sourceRow + offsets[base + 2]!;
        const a3 = sourceRow + offsets[base + 3]!;
        horizontal[to] = w0 * data[a0]! + w1 * data[a1]! + w2 * data[a2]! + w3 * data[a3]!;
        horizontal[to + 1] = w0 * data[a0 + 1]! + w1 * data[a1 + 1]! + w2 * data[a2 + 1]! + w3 * data[a3 + 1]!;
        horizontal[to + 2] = w0 * data[a0 + 2]! + w1 * data[a1 + 2]! + w2 * data[a2 + 2]! + w3 * data[a3 + 2]!;
        to += 3;
      }
    }
    return;
  }
  for (let row = 0; row < rowCount; row++) {
    const sourceRow = (firstRow + row) * sourceStride;
    let to = row * width * 3;
    for (let x = 0; x < width; x++) {
      const base = x * taps;
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let tap = 0; tap < taps; tap++) {
        const weight = weights[base + tap]!;
        if (weight === 0) continue;
        const at = sourceRow + offsets[base + tap]!;
        red += weight * data[at]!;
        green += weight * data[at + 1]!;
        blue += weight * data[at + 2]!;
      }
      horizontal[to] = red;
      horizontal[to + 1] = green;
      horizontal[to + 2] = blue;
      to += 3;
    }
  }
}

/** horizontalBytes for float sources (the same loop, kept apart so each compiles for one type). */
function horizontalFloats(data: Float32Array, sourceStride: number, firstRow: number, rowCount: number, width: number, taps: number, weights: Float32Array, offsets: Int32Array, horizontal: Float32Array): void {
  for (let row = 0; row < rowCount; row++) {
    const sourceRow = (firstRow + row) * sourceStride;
    let to = row * width * 3;
    for (let x = 0; x < width; x++) {
      const base = x * taps;
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let tap = 0; tap < taps; tap++) {
        const weight = weights[base + tap]!;
        if (weight === 0) continue;
        const at = sourceRow + offsets[base + tap]!;
        red += weight * data[at]!;
        green += weight * data[at + 1]!;
        blue += weight * data[at + 2]!;
      }
      horizontal[to] = red;
      horizontal[to + 1] = green;
      horizontal[to + 2] = blue;
      to += 3;
    }
  }
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
  const indices = new Int32Array(length * taps);
  const weights = new Float32Array(length * taps);
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < length; index++) {
    const centre = start + (index + 0.5) * scale - 0.5;
    const first = Math.floor(centre - support) + 1;
    let total = 0;
    for (let tap = 0; tap < taps; tap++) {
      const weight = Math.max(0, 1 - Math.abs(first + tap - centre) / support);
      const at = clamp(first + tap, limit);
      weights[index * taps + tap] = weight;
      indices[index * taps + tap] = at;
      total += weight;
      if (weight > 0) {
        low = Math.min(low, at);
        high = Math.max(high, at);
      }
    }
    for (let tap = 0; tap < taps; tap++) weights[index * taps + tap]! /= total;
  }
  return { taps, weights, indices, low, high };
}

function clamp(index: number, limit: number): number {
  return index < 0 ? 0 : index >= limit ? limit - 1 : index;
}
