// Owns pyannote's powerset encoding: a segmentation model scores, per frame, every set of at most
// `maxClasses` of its local speakers, in the order pyannote.audio's Powerset builds them (the
// empty set, then each speaker alone, then each pair in lexicographic order, …; for 3 speakers
// and pairs: [], {0}, {1}, {2}, {0,1}, {0,2}, {1,2}). Decoding takes each frame's best set, as
// pyannote's to_multilabel and sherpa-onnx do.

/** The speaker sets, class by class. */
export function powersetClasses(localSpeakers: number, maxClasses: number): number[][] {
  const classes: number[][] = [];
  for (let size = 0; size <= maxClasses; size++) classes.push(...combinations(localSpeakers, size));
  return classes;
}

function combinations(count: number, size: number, from = 0): number[][] {
  if (size === 0) return [[]];
  const result: number[][] = [];
  for (let first = from; first <= count - size; first++) {
    for (const rest of combinations(count, size - 1, first + 1)) result.push([first, ...rest]);
  }
  return result;
}

/**
 * Frame-by-speaker activity (frames × localSpeakers, 1 = speaking) from the model's scores
 * (frames × classes, row by row: log-probabilities, or anything whose largest is the best).
 */
export function decodePowerset(scores: Float32Array, frames: number, classes: readonly (readonly number[])[], localSpeakers: number): Uint8Array {
  const activity = new Uint8Array(frames * localSpeakers);
  const width = classes.length;
  for (let frame = 0; frame < frames; frame++) {
    const row = frame * width;
    let best = 0;
    for (let index = 1; index < width; index++) if (scores[row + index]! > scores[row + best]!) best = index;
    for (const speaker of classes[best]!) activity[frame * localSpeakers + speaker] = 1;
  }
  return activity;
}
