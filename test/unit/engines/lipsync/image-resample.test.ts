import { describe, expect, it } from 'vitest';
import { resampleIntoBgrPlanes, resampleRegion, type Pixels3, type Rect } from '../../../../src-main/core/engines/lipsync/image-resample.js';

/**
 * The resampler written plainly (the engine's first version: clamping every tap, fresh arrays),
 * to hold the fast paths to the same values bit for bit.
 */
function reference(source: Pixels3, region: Rect, width: number, height: number, antialias: boolean): Float32Array {
  const clamp = (index: number, limit: number) => Math.min(limit - 1, Math.max(0, index));
  const axis = (start: number, span: number, length: number) => {
    const scale = span / length;
    const support = antialias ? Math.max(1, scale) : 1;
    const taps = Math.ceil(2 * support);
    return Array.from({ length }, (_, index) => {
      const centre = start + (index + 0.5) * scale - 0.5;
      const first = Math.floor(centre - support) + 1;
      const exact = Array.from({ length: taps }, (__, tap) => Math.max(0, 1 - Math.abs(first + tap - centre) / support));
      // Summed before rounding to float32, then each stored weight divided (rounded again).
      const total = exact.reduce((sum, weight) => sum + weight, 0);
      const weights = Float32Array.from(exact);
      for (let tap = 0; tap < taps; tap++) weights[tap]! /= total;
      return { first, weights };
    });
  };
  const columns = axis(region.x, region.width, width);
  const rows = axis(region.y, region.height, height);
  const horizontal = new Float32Array(source.height * width * 3);
  for (let row = 0; row < source.height; row++) {
    columns.forEach(({ first, weights }, x) => {
      for (let channel = 0; channel < 3; channel++) {
        let sum = 0;
        weights.forEach((weight, tap) => {
          if (weight !== 0) sum += weight * source.data[(row * source.width + clamp(first + tap, source.width)) * 3 + channel]!;
        });
        horizontal[(row * width + x) * 3 + channel] = sum;
      }
    });
  }
  const out = new Float32Array(width * height * 3);
  rows.forEach(({ first, weights }, y) => {
    weights.forEach((weight, tap) => {
      if (weight === 0) return;
      const from = clamp(first + tap, source.height) * width * 3;
      for (let index = 0; index < width * 3; index++) out[y * width * 3 + index]! += weight * horizontal[from + index]!;
    });
  });
  return out;
}

function noiseBytes(width: number, height: number, seed: number): Pixels3 {
  const data = new Uint8Array(width * height * 3);
  let state = seed;
  for (let index = 0; index < data.length; index++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    data[index] = state >> 23;
  }
  return { data, width, height };
}

function planesOf(source: Pixels3, region: Rect, width: number, height: number, antialias: boolean, planeWidth: number, planeHeight: number): Float32Array {
  const planeSize = planeWidth * planeHeight;
  const data = new Float32Array(3 * planeSize).fill(-1);
  resampleIntoBgrPlanes(source, region, width, height, antialias, { data, planeWidth, planeSize });
  return data;
}

const whole = (source: Pixels3): Rect => ({ x: 0, y: 0, width: source.width, height: source.height });

describe('resampleRegion', () => {
  const cases: [string, Pixels3, Rect, number, number, boolean][] = [
    ['an antialiased 2× shrink', noiseBytes(64, 36, 1), { x: 0, y: 0, width: 64, height: 36 }, 32, 18, true],
    ['an antialiased 3× shrink', noiseBytes(60, 33, 2), { x: 0, y: 0, width: 60, height: 33 }, 20, 11, true],
    ['an antialiased uneven shrink', noiseBytes(50, 41, 3), { x: 0, y: 0, width: 50, height: 41 }, 17, 23, true],
    ['an enlargement', noiseBytes(12, 9, 4), { x: 0, y: 0, width: 12, height: 9 }, 31, 20, true],
    ['a bilinear crop reaching past the edges', noiseBytes(40, 30, 5), { x: -3, y: 20, width: 25, height: 14 }, 96, 96, false],
  ];

  it.each(cases)('gives the plain loops\' values bit for bit: %s', (_, source, region, width, height, antialias) => {
    expect(resampleRegion(source, region, width, height, antialias)).toEqual(reference(source, region, width, height, antialias));
  });

  it('does so for float sources too, and after a larger resize has used the shared scratch', () => {
    const bytes = noiseBytes(30, 30, 6);
    const floats: Pixels3 = { data: Float32Array.from(bytes.data, (value) => value * 0.7), width: 30, height: 30 };
    resampleRegion(noiseBytes(200, 200, 7), { x: 0, y: 0, width: 200, height: 200 }, 150, 150, true);
    expect(resampleRegion(floats, whole(floats), 45, 52, true)).toEqual(reference(floats, whole(floats), 45, 52, true));
  });

  it('keeps a flat image flat', () => {
    const data = new Uint8Array(16 * 10 * 3);
    for (let pixel = 0; pixel < 16 * 10; pixel++) data.set([200, 100, 50], pixel * 3);
    const out = resampleRegion({ data, width: 16, height: 10 }, { x: 0, y: 0, width: 16, height: 10 }, 8, 5, true);
    for (let pixel = 0; pixel < 40; pixel++) expect(Array.from(out.subarray(pixel * 3, pixel * 3 + 3))).toEqual([200, 100, 50]);
  });
});

describe('resampleIntoBgrPlanes', () => {
  /** The planes the interleaved result makes, with -1 (the test's fill) outside the corner. */
  function expectedPlanes(interleaved: Float32Array, width: number, height: number, planeWidth: number, planeHeight: number): Float32Array {
    const planeSize = planeWidth * planeHeight;
    const data = new Float32Array(3 * planeSize).fill(-1);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let channel = 0; channel < 3; channel++) data[(2 - channel) * planeSize + y * planeWidth + x] = interleaved[(y * width + x) * 3 + channel]!;
      }
    }
    return data;
  }

  it.each([
    // Exact bilinear halving of a whole byte frame takes the integer path; odd sizes check its edges.
    ['bilinear halving (the integer path)', 64, 36, 32, 18, false],
    ['bilinear halving to one pixel', 2, 2, 1, 1, false],
    ['bilinear halving to two pixels', 4, 4, 2, 2, false],
    ['bilinear halving to an odd-sized result', 46, 30, 23, 15, false],
    ['antialiased halving (the generic loops)', 64, 36, 32, 18, true],
    ['a 3× shrink (the generic loops)', 60, 33, 20, 11, true],
    ['an uneven shrink (4 taps, not halving)', 70, 40, 39, 21, true],
    ['an enlargement (2 taps)', 12, 9, 31, 20, true],
    ['bilinear (2 taps)', 40, 30, 23, 17, false],
  ] as const)('writes resampleRegion\'s values into the planes bit for bit: %s', (_, sourceWidth, sourceHeight, width, height, antialias) => {
    const source = noiseBytes(sourceWidth, sourceHeight, sourceWidth * 31 + sourceHeight);
    const planeWidth = width + 5;
    const planeHeight = height + 3;
    const planes = planesOf(source, whole(source), width, height, antialias, planeWidth, planeHeight);
    expect(planes).toEqual(expectedPlanes(reference(source, whole(source), width, height, antialias), width, height, planeWidth, planeHeight));
  });

  it('refuses planes too small for the result', () => {
    const source = noiseBytes(8, 8, 9);
    expect(() => resampleIntoBgrPlanes(source, whole(source), 4, 4, true, { data: new Float32Array(3 * 12), planeWidth: 3, planeSize: 12 })).toThrow(RangeError);
  });
});
