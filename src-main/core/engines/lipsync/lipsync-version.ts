// Owns finding the lip-sync packs' ONNX files and the engine's version string, without loading
// ONNX Runtime: the host keys lip-sync artifacts by the version before any worker loads a model.
// The version changes with the engine's revision, either model file (name, size, modification
// time; hashing a 150 MB model on every job would cost more than it guards) and ONNX Runtime.

import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { RedubError } from '../../../shared/errors.js';
import { engineRevisions, packageVersion } from '../revisions.js';
import { lipSyncPacks } from './lipsync-packs.js';

/** The installed packs' folders: the face detector's and the lip-sync model's. */
export interface LipSyncPackDirectories {
  detector: string;
  model: string;
}

/** The two ONNX files inside those folders. */
export interface LipSyncModelFiles {
  detector: string;
  model: string;
}

/** The ONNX file of each pack; a missing folder or file is E_MODEL_MISSING naming the pack. */
export function lipSyncModelFiles(directories: LipSyncPackDirectories): LipSyncModelFiles {
  return { detector: packFile(directories.detector, lipSyncPacks.detector), model: packFile(directories.model, lipSyncPacks.model) };
}

export function lipSyncVersion(files: LipSyncModelFiles): string {
  return `${engineRevisions.lipsync}+yunet-${fileDigest(files.detector)}+wav2lip-${fileDigest(files.model)}+ort-${packageVersion('onnxruntime-node')}`;
}

function packFile(directory: string, pack: { id: string; file: string }): string {
  const file = path.join(directory, pack.file);
  if (existsSync(file) && statSync(file).isFile()) return file;
  const what = existsSync(directory) ? `is missing its file ${pack.file}` : 'is not installed';
  throw new RedubError('E_MODEL_MISSING', {
    message: `The model pack "${pack.id}", which lip-sync needs, ${what}.`,
    action: `Run \`redub models install ${pack.id}\`.`,
    details: [`Expected at: ${file}`],
  });
}

function fileDigest(file: string): string {
  const stats = statSync(file);
  return createHash('sha256').update(`${path.basename(file)}\0${stats.size}\0${stats.mtimeMs}`).digest('hex').slice(0, 12);
}
