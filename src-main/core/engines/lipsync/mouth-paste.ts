// Owns putting the model's re-rendered face back into the frame. Wav2Lip pastes the whole 96×96
// square back as a hard rectangle, which leaves a visible seam and redraws the eyes too; here
// only the lower face changes, through an ellipse whose edge fades out smoothly, and every pixel
// outside the ellipse's outer edge keeps its exact bytes.

import { resampleRegion, type Rect } from './image-resample.js';
import { wav2LipFaceSize } from './wav2lip-model.js';

/** The mask in crop units (0–1 across and down the crop the model rendered). */
export interface MouthMaskShape {
  centreX: number;
  centreY: number;
  /** The fully replaced core's radii. */
  radiusX: number;
  radiusY: number;
  /** How far past the core the fade reaches, in the same units: the outer radii are radius + feather. */
  feather: number;
}

/**
 * Over the mouth and chin: the crop is the face box plus 10 % below, so the mouth sits about
 * 70 % of the way down. The outer edge (x 0.07–0.93, y 0.42–0.98) stays inside the crop, so the
 * fade reaches zero before the crop's border and no edge of the rectangle shows.
 */
export const lowerFaceMaskShape: MouthMaskShape = { centreX: 0.5, centreY: 0.7, radiusX: 0.28, radiusY: 0.13, feather: 0.15 };

/** The mask's weight, 0–1, for each pixel of a width × height crop (row after row). */
export function lowerFaceMask(width: number, height: number, shape: MouthMaskShape = lowerFaceMaskShape): Float32Array {
  const mask = new Float32Array(width * height);
  const outerX = shape.radiusX + shape.feather;
  const outerY = shape.radiusY + shape.feather;
  for (let y = 0; y < height; y++) {
    const dy = (y + 0.5) / height - shape.centreY;
    for (let x = 0; x < width; x++) {
      const dx = (x + 0.5) / width - shape.centreX;
      mask[y * width + x] = ellipseWeight(dx, dy, shape.radiusX, shape.radiusY, outerX, outerY);
    }
  }
  return mask;
}

/** The last mask pasteMouth made: the smoothed box keeps its size for many frames running. */
let lastMask: { width: number; height: number; shape: MouthMaskShape; mask: Float32Array } | undefined;

/**
 * lowerFaceMask, made again only when the size or the shape's values change (the shape is
 * compared by value and copied, so a caller changing its object cannot leave a stale mask).
 */
function cachedMask(width: number, height: number, shape: MouthMaskShape): Float32Array {
  const last = lastMask;
  const same = last !== undefined && last.width === width && last.height === height && last.shape.centreX === shape.centreX && last.shape.centreY === shape.centreY
    && last.shape.radiusX === shape.radiusX && last.shape.radiusY === shape.radiusY && last.shape.feather === shape.feather;
  if (same) return last.mask;
  const mask = lowerFaceMask(width, height, shape);
  lastMask = { width, height, shape: { ...shape }, mask };
  return mask;
}

/**
 * 1 inside the core ellipse, 0 outside the outer one, and between them a smoothstep fall-off
 * along the ray from the centre (the point's position between the two edges on that ray).
 */
function ellipseWeight(dx: number, dy: number, coreX: number, coreY: number, outerX: number, outerY: number): number {
  const outer = Math.hypot(dx / outerX, dy / outerY);
  if (outer >= 1) return 0;
  const core = Math.hypot(dx / coreX, dy / coreY);
  if (core <= 1) return 1;
  const t = (1 - 1 / core) / (1 / outer - 1 / core);
  return 1 - t * t * (3 - 2 * t);
}

/**
 * Blends `face` (the model's 96×96 RGB output, 0–255 floats), resized bilinearly to `rect`, into
 * `frame` (RGB24, `frameWidth` wide) through the lower-face mask. Changes `frame` in place; a
 * pixel whose weight is 0 is not written.
 */
export function pasteMouth(frame: Uint8Array, frameWidth: number, rect: Rect, face: Float32Array, shape: MouthMaskShape = lowerFaceMaskShape): void {
  const resized = resampleRegion({ data: face, width: wav2LipFaceSize, height: wav2LipFaceSize }, { x: 0, y: 0, width: wav2LipFaceSize, height: wav2LipFaceSize }, rect.width, rect.height, true);
  const mask = cachedMask(rect.width, rect.height, shape);
  for (let y = 0; y < rect.height; y++) {
    for (let x = 0; x < rect.width; x++) {
      const weight = mask[y * rect.width + x]!;
      if (weight === 0) continue;
      const from = (y * rect.width + x) * 3;
      const to = ((rect.y + y) * frameWidth + rect.x + x) * 3;
      for (let channel = 0; channel < 3; channel++) {
        const original = frame[to + channel]!;
        const blended = Math.round(original + (resized[from + channel]! - original) * weight);
        frame[to + channel] = blended < 0 ? 0 : blended > 255 ? 255 : blended;
      }
    }
  }
}
