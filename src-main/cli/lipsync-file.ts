// Reads the file `--lipsync` names: {"segments": [...]}, shape-checked here (E_LIPSYNC_FILE naming
// the field); the segments' rules are checked against the video by the service, as for the API.
import path from 'node:path';
import { RedubError } from '../shared/errors.js';
import { lipSyncFileSchema, type LipSyncSegment } from '../shared/lipsync.js';
import { readInputFileSync } from '../core/files/input-files.js';

export function readLipSyncFile(file: string): { segments: LipSyncSegment[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readInputFileSync(path.resolve(file), 'lipsync').toString('utf8'));
  } catch (error) {
    if (error instanceof RedubError) throw error;
    throw new RedubError('E_LIPSYNC_FILE', { details: [`${file}: ${(error as Error).message}`] });
  }
  const shape = lipSyncFileSchema.safeParse(parsed);
  if (!shape.success) {
    throw new RedubError('E_LIPSYNC_FILE', { details: shape.error.issues.map((issue) => `${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`) });
  }
  return shape.data;
}
