// Owns choosing, before a job is queued, the packs that split the original into voices and
// background (kind "separation") and that find its speakers (kind "diarization": a segmentation
// model and a speaker-embedding model): the first installed of each, unless the request turns them
// off. None installed is not an error: the dub ducks the original and speaks with one voice, as
// Redub always did, and the job log says so. Only an explicit request for what a pack gives
// (stems, a number of speakers) without the pack is refused.
import { existsSync } from 'node:fs';
import { RedubError } from '../../shared/errors.js';
import type { PackManifest } from '../models/model-store.js';
import type { DubJobOptions, PackModel } from './dub-options.js';
import type { InstalledModels } from './model-choice.js';

/** The engines a diarization needs, as the catalog names them. */
export const diarizationEngines = { segmentation: 'pyannote-segmentation', embedding: 'speaker-embedding' } as const;
export const separationEngine = 'mdx-net';

/** Pack ids to suggest when none is installed (the catalog's defaults). */
const suggested = { separation: 'uvr-mdx-net-voc-ft', segmentation: 'pyannote-segmentation-3.0', embedding: '3dspeaker-eres2net-base-16k' };

export interface AudioPackRequest {
  /** 'off' keeps the original under the dub, ducked; default 'auto' (separate when a pack is installed). */
  separation?: 'auto' | 'off';
  /** How many speakers the video has; 1 turns speaker detection off; default 'auto'. */
  speakers?: number | 'auto';
  /** Write vocals, background and dub voice as WAV. */
  stems?: boolean;
}

export function chooseSeparation(models: InstalledModels | null, request: AudioPackRequest): PackModel | null {
  const pack = request.separation === 'off' ? null : firstInstalled(models, 'separation', separationEngine);
  if (request.stems && !pack) {
    throw new RedubError('E_MODEL_MISSING', {
      message: request.separation === 'off' ? 'Stems need the voices split from the background, which --separation off turns off.' : 'Stems need a separation pack, and none is installed.',
      action: request.separation === 'off' ? 'Leave out --separation off, or --stems.' : `Run \`redub models install ${suggested.separation}\`, or leave out --stems.`,
    });
  }
  return pack;
}

export function chooseDiarization(models: InstalledModels | null, request: AudioPackRequest): DubJobOptions['diarization'] {
  const count = request.speakers ?? 'auto';
  if (count !== 'auto' && (!Number.isInteger(count) || count < 1 || count > 20)) {
    throw new RedubError('E_USAGE', { message: `--speakers takes auto or a whole number from 1 to 20; ${String(count)} is not one.` });
  }
  if (count === 1) return null;
  const segmentation = firstInstalled(models, 'diarization', diarizationEngines.segmentation);
  const embedding = firstInstalled(models, 'diarization', diarizationEngines.embedding);
  if (segmentation && embedding) return { segmentation, embedding, speakerCount: count === 'auto' ? null : count };
  if (count !== 'auto') {
    const missing = [segmentation ? null : suggested.segmentation, embedding ? null : suggested.embedding].filter((id): id is string => id !== null);
    throw new RedubError('E_MODEL_MISSING', {
      message: `Finding ${count} speakers needs the speaker packs (a segmentation and an embedding model), and ${missing.length > 1 ? 'neither is' : 'one is not'} installed.`,
      action: `Run ${missing.map((id) => `\`redub models install ${id}\``).join(' and ')}, or leave out --speakers.`,
    });
  }
  return null;
}

function firstInstalled(models: InstalledModels | null, kind: 'separation' | 'diarization', engine: string): PackModel | null {
  const manifests = (models?.listInstalled() ?? []).filter(({ pack }) => pack.kind === kind && pack.engine === engine).sort((a, b) => a.pack.id.localeCompare(b.pack.id));
  for (const manifest of manifests) {
    const model = packModel(models!, manifest);
    if (model) return model;
  }
  return null;
}

/** The pack's ONNX file and parameters; null when its file is not there (a broken install is passed over). */
function packModel(models: InstalledModels, manifest: PackManifest): PackModel | null {
  const onnx = manifest.files.find((file) => file.path.toLowerCase().endsWith('.onnx'));
  if (!onnx) return null;
  const modelPath = models.requirePack(manifest.pack.id).file(onnx.path);
  if (!existsSync(modelPath)) return null;
  return { packId: manifest.pack.id, modelPath, parameters: manifest.pack.parameters ?? {} };
}
