import { describe, expect, it } from 'vitest';
import { progressWeights } from '../../../src-main/core/pipeline/dub-pipeline.js';
import { dubStages } from '../../../src-main/core/pipeline/stage-registry.js';
import type { DubJobOptions } from '../../../src-main/core/pipeline/dub-options.js';
import { declareStage, cpuPlacement } from '../../../src-main/core/pipeline/stage.js';

const subtitled = { subtitlesPath: '/a.srt', translationPath: '/a.es.srt', lipSyncSegments: [] } as unknown as DubJobOptions;
const neural = { subtitlesPath: null, translationPath: null, transcription: { engine: 'whisper', packId: 'w', packDir: '/w' }, translators: [], lipSyncSegments: [] } as unknown as DubJobOptions;
/** A job with a lip-sync segment on an added file: the lip-sync stages run and get their share. */
const lipSynced = { ...subtitled, lipSyncSegments: [{ id: 'a', startMs: 0, endMs: 1000, audio: { refId: 'take' } }] } as unknown as DubJobOptions;
const skippedWithout = new Set(['lipsync-audio', 'lipsync']);

describe('progress weights', () => {
  it('give every stage a job runs a share, and sum to 100 so a finished job shows 100 %', () => {
    const fromUrl = { ...subtitled, inputUrl: { url: 'https://example.org/a.mp4', kind: 'direct' } } as DubJobOptions;
    for (const options of [subtitled, neural, fromUrl, lipSynced]) {
      const weights = progressWeights(dubStages, options);
      expect([...weights.keys()]).toEqual(dubStages.map((stage) => stage.name));
      expect([...weights.values()].reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(100, 9);
      // A local file skips the download, a job without segments the lip-sync stages, and their shares go to the rest.
      const skips = (name: string) => (name === 'download' && !options.inputUrl) || (skippedWithout.has(name) && options !== lipSynced);
      expect([...weights.entries()].every(([name, weight]) => (skips(name) ? weight === 0 : weight > 0)), JSON.stringify([...weights])).toBe(true);
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
