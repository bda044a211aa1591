// Owns the identity of an installed model's files in artifact keys: the state (size and time) of
// a pack's manifest, or of one model file, so that a pack installed again is used afresh.
import { statSync } from 'node:fs';
import path from 'node:path';
import { manifestName } from '../models/model-store.js';

export function packState(packDir: string): string | null {
  return fileState(path.join(packDir, manifestName));
}

export function fileState(file: string | null | undefined): string | null {
  if (!file) return null;
  try {
    const info = statSync(file);
    return `${info.size}:${info.mtimeMs}`;
  } catch {
    return null;
  }
}
