import { describe, expect, it } from 'vitest';
import { neuralStageWeights, stageNames, stageWeights } from '../../../src-main/shared/jobs.js';

describe('stage weights', () => {
  it('give every stage a share, and sum to 100 so a finished job shows 100 %', () => {
    for (const weights of [stageWeights, neuralStageWeights]) {
      expect(Object.keys(weights).sort()).toEqual([...stageNames].sort());
      expect(Object.values(weights).reduce((sum, weight) => sum + weight, 0)).toBe(100);
    }
    // With models at work, transcription weighs more than any other stage.
    expect(Math.max(...Object.values(neuralStageWeights))).toBe(neuralStageWeights.transcribe);
  });
});
