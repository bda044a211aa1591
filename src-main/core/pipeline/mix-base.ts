// Finds the most recently used mix of the same original audio at the same loudness target, which
// the mix stage can patch instead of rendering the whole track again.
import path from 'node:path';
import type { MixBase, MixResult } from './stages/mix-stage.js';
import type { PipelineServices } from './stage-runner.js';

const candidatesChecked = 8;

export function findMixBase(services: PipelineServices, extractKey: string, targetLufs: number): MixBase | null {
  const { store, cache } = services;
  const recent = store
    .artifacts()
    .filter((artifact) => artifact.stage === 'mix' && cache.has(artifact.key))
    .sort((a, b) => b.lastUsedMs - a.lastUsedMs)
    .slice(0, candidatesChecked);
  for (const artifact of recent) {
    const result = cache.read<Partial<MixResult>>(artifact.key);
    if (result.extractKey !== extractKey || result.targetLufs !== targetLufs || !result.cues || result.gainDb === undefined) continue;
    // The patch copies the base's files: a damaged base would spread into the new mix.
    if (cache.verify(artifact.key).state !== 'valid') continue;
    const directory = cache.directory(artifact.key);
    return { voicePath: path.join(directory, result.voiceFile!), mixPath: path.join(directory, result.mixFile!), gainDb: result.gainDb, cues: result.cues };
  }
  return null;
}
