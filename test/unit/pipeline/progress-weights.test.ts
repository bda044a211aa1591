import { describe, expect, it } from 'vitest';
import { progressWeights } from '../../../src-main/core/pipeline/dub-pipeline.js';
import { dubStages } from '../../../src-main/core/pipeline/stage-registry.js';
import type { DubJobOptions } from '../../../src-main/core/pipeline/dub-options.js';
import { declareStage, cpuPlacement } from '../../../src-main/core/pipeline/stage.js';

const subtitled = { subtitlesPath: '/a.srt', translationPath: '/a.es.srt' } as DubJobOptions;
const neural = { subtitlesPath: null, translationPath: null, transcription: { engine: 'whisper', packId: 'w', packDir: '/w' }, translators: [] } as unknown as DubJobOptions;

describe('progress weights', () => {
  it('give every stage a job runs a share, and sum to 100 so a finished job shows 100 %', () => {
    const fromUrl = { ...subtitled, inputUrl: { url: 'https://example.org/a.mp4', kind: 'direct' } } as DubJobOptions;
    for (const options of [subtitled, neural, fromUrl]) {
      const weights = progressWeights(dubStages, options);
      expect([...weights.keys()]).toEqual(dubStages.map((stage) => stage.name));
      expect([...weights.values()].reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(100, 9);
      // A local file skips the download, and its share goes to the rest.
      expect([...weights.entries()].every(([name, weight]) => (name === 'download' && !options.inputUrl ? weight === 0 : weight > 0))).toBe(true);
    }
  });

  it('let transcription weigh most when Whisper transcribes, and synthesis when subtitles are given', () => {
    const withModels = progressWeights(dubStages, neural);
    expect(Math.max(...withModels.values())).toBe(withModels.get('transcribe'));
    const plain = progressWeights(dubStages, subtitled);
    expect(Math.max(...plain.values())).toBe(plain.get('synthesize'));
  });

  it('make room for a stage added to the pipeline without touching the others', () => {
    const extra = declareStage({ name: 'extra', version: 1, weight: { plain: 10, neural: 10 }, consumes: [], plan: () => null, outputNeutral: {}, placement: () => cpuPlacement, run: async () => null });
    const weights = progressWeights([...dubStages, extra], subtitled);
    expect([...weights.values()].reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(100, 9);
    expect(weights.get('extra')).toBeGreaterThan(0);
  });
});
