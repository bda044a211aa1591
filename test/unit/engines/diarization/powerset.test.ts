import { describe, expect, it } from 'vitest';
import { decodePowerset, powersetClasses } from '../../../../src-main/core/engines/diarization/powerset.js';

describe('powersetClasses', () => {
  it('lists pyannote segmentation-3.0\'s seven classes in its order', () => {
    expect(powersetClasses(3, 2)).toEqual([[], [0], [1], [2], [0, 1], [0, 2], [1, 2]]);
  });

  it('counts the sets of at most k of n speakers', () => {
    expect(powersetClasses(2, 1)).toEqual([[], [0], [1]]);
    expect(powersetClasses(4, 2)).toHaveLength(1 + 4 + 6);
    expect(powersetClasses(3, 3).at(-1)).toEqual([0, 1, 2]);
  });
});

describe('decodePowerset', () => {
  it('takes each frame\'s most likely set as that frame\'s speakers', () => {
    const classes = powersetClasses(3, 2);
    const best = [0, 1, 2, 3, 4, 5, 6, 1];
    const scores = new Float32Array(best.length * 7).fill(Math.log(0.02));
    best.forEach((klass, frame) => (scores[frame * 7 + klass] = Math.log(0.88)));
    const activity = decodePowerset(scores, best.length, classes, 3);
    expect(Array.from(activity)).toEqual([
      0, 0, 0,
      1, 0, 0,
      0, 1, 0,
      0, 0, 1,
      1, 1, 0,
      1, 0, 1,
      0, 1, 1,
      1, 0, 0,
    ]);
  });

  it('reads a frame of non-numbers as silence', () => {
    expect(Array.from(decodePowerset(new Float32Array(7).fill(Number.NaN), 1, powersetClasses(3, 2), 3))).toEqual([0, 0, 0]);
  });
});
