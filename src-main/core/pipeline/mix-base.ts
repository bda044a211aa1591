// Finds the most recently used mix of the same original audio at the same loudness target, which
// the mix stage can patch instead of rendering the whole track again.
import path from 'node:path';
import type { ArtifactTable } from '../store/artifact-table.js';
import type { ArtifactCache } from './artifact-cache.js';
import type { MixBase, MixResult } from './stages/mix.js';

const candidatesChecked = 8;

export function findMixBase(artifacts: ArtifactTable, cache: ArtifactCache, extractKey: string, targetLufs: number): MixBase | null {
  const recent = artifacts
    .list()
    .filter((artifact) => artifact.stage === 'mix' && cache.has(artifact.key))
    .sort((a, b) => b.lastUsedMs - a.lastUsedMs)
    .slice(0, candidatesChecked);
  for (const artifact of recent) {
    const result = cache.read<Partial<MixResult>>(artifact.key);
    if (result.extractKey !== extractKey || result.targetLufs !== targetLufs || !result.cues || result.gainDb === undefined) continue;
    // The patch copies the base's files: a damaged base would spread into the new mix.
    if (cache.verify(artifact.key).state !== 'valid') continue;
    // Used now: pruning keeps it while this mix copies it.
    artifacts.touchKey(artifact.key);
    const directory = cache.directory(artifact.key);
    return {
      voicePath: path.join(directory, result.voiceFile!),
      mixPath: path.join(directory, result.mixFile!),
      encodedPath: result.encodedFile ? path.join(directory, result.encodedFile) : null,
      gainDb: result.gainDb,
      cues: result.cues,
    };
  }
  return null;
}
