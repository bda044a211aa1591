import { describe, expect, it } from 'vitest';
import { lowerFaceMask, lowerFaceMaskShape, pasteMouth } from '../../../../src-main/core/engines/lipsync/mouth-paste.js';

describe('lowerFaceMask', () => {
  const width = 100;
  const height = 110;
  const mask = lowerFaceMask(width, height);
  const at = (x: number, y: number) => mask[y * width + x]!;

  it('is 1 over the mouth, 0 over the eyes and along the crop\'s whole border', () => {
    expect(at(50, 77)).toBe(1);
    expect(at(50, 30)).toBe(0);
    for (let x = 0; x < width; x++) expect([at(x, 0), at(x, height - 1)]).toEqual([0, 0]);
    for (let y = 0; y < height; y++) expect([at(0, y), at(width - 1, y)]).toEqual([0, 0]);
  });

  it('fades smoothly: values strictly between 0 and 1 exist, falling steadily from the core outwards', () => {
    const partial = Array.from(mask).filter((value) => value > 0 && value < 1);
    expect(partial.length).toBeGreaterThan(200);
    // Along the horizontal line through the centre: 1 in the core, then falling, then 0.
    const row = Math.floor(lowerFaceMaskShape.centreY * height);
    const line = Array.from({ length: width / 2 }, (_, offset) => at(50 + offset, row));
    for (let index = 1; index < line.length; index++) expect(line[index]!).toBeLessThanOrEqual(line[index - 1]!);
    const steps = line.map((value, index) => (index > 0 ? line[index - 1]! - value : 0));
    // No jump bigger than a fifth of the range between neighbouring pixels: no hard edge.
    expect(Math.max(...steps)).toBeLessThan(0.2);
  });
});

describe('pasteMouth', () => {
  it('replaces the mouth, blends the edge, and leaves every pixel outside the mask byte for byte', () => {
    const frameWidth = 120;
    const frameHeight = 100;
    const frame = new Uint8Array(frameWidth * frameHeight * 3);
    for (let index = 0; index < frame.length; index++) frame[index] = (index * 7) % 101;
    const before = frame.slice();
    const rect = { x: 30, y: 20, width: 48, height: 53 };
    const face = new Float32Array(96 * 96 * 3).fill(250);
    pasteMouth(frame, frameWidth, rect, face);
    const mask = lowerFaceMask(rect.width, rect.height);
    let blended = 0;
    const wrong: string[] = [];
    for (let y = 0; y < frameHeight; y++) {
      for (let x = 0; x < frameWidth; x++) {
        const inside = x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height;
        const weight = inside ? mask[(y - rect.y) * rect.width + (x - rect.x)]! : 0;
        for (let channel = 0; channel < 3; channel++) {
          const index = (y * frameWidth + x) * 3 + channel;
          const value = frame[index]!;
          const original = before[index]!;
          if (weight === 0) {
            if (value !== original) wrong.push(`(${x}, ${y}) changed outside the mask`);
          } else if (weight === 1) {
            if (value !== 250) wrong.push(`(${x}, ${y}) is ${value} in the core`);
          } else {
            // The resized face is 250 up to float rounding, so allow one step at a .5 boundary.
            if (Math.abs(value - (original + (250 - original) * weight)) > 0.51) wrong.push(`(${x}, ${y}) is ${value}, not blended by ${weight}`);
            if (weight > 0.05 && weight < 0.95 && value === original) wrong.push(`(${x}, ${y}) kept its value at weight ${weight}`);
            blended++;
          }
        }
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(blended).toBeGreaterThan(0);
  });

  it('uses the mask of each paste\'s own size and shape, one paste after another', () => {
    const frameWidth = 90;
    const frame = new Uint8Array(frameWidth * 80 * 3).fill(10);
    const face = new Float32Array(96 * 96 * 3).fill(250);
    const shape = { ...lowerFaceMaskShape };
    const pastes: [{ x: number; y: number; width: number; height: number }, typeof shape][] = [
      [{ x: 5, y: 5, width: 40, height: 44 }, shape],
      [{ x: 5, y: 5, width: 40, height: 44 }, shape],
      [{ x: 2, y: 3, width: 60, height: 66 }, shape],
      // The same object changed in place must not reuse the previous mask.
      [{ x: 2, y: 3, width: 60, height: 66 }, Object.assign(shape, { radiusX: 0.1, feather: 0.05 })],
    ];
    for (const [rect, maskShape] of pastes) {
      frame.fill(10);
      pasteMouth(frame, frameWidth, rect, face, maskShape);
      const mask = lowerFaceMask(rect.width, rect.height, maskShape);
      const changed = (x: number, y: number) => frame[((rect.y + y) * frameWidth + rect.x + x) * 3] !== 10;
      const mismatched: string[] = [];
      for (let y = 0; y < rect.height; y++) {
        for (let x = 0; x < rect.width; x++) {
          const weight = mask[y * rect.width + x]!;
          if ((weight === 0 && changed(x, y)) || (weight > 0.01 && !changed(x, y))) mismatched.push(`(${x}, ${y}) at weight ${weight}`);
        }
      }
      expect(mismatched.slice(0, 5)).toEqual([]);
    }
  });
});
