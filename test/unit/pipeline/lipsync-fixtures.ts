// Owns what lip-sync tests share: the face detector and lip-sync model packs made to look installed
// (a pack folder with its pack.json manifest and one small file, as an import leaves it; the real
// tiny graphs are not needed to queue a job), and audio files that are not audio, empty, silent
// WAV headers and the like, written by hand so each test controls every byte.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lipSyncPacks } from '../../../src-main/core/engines/lipsync/lipsync-packs.js';
import { manifestName, modelsFolder, type PackManifest } from '../../../src-main/core/models/model-store.js';
import { wavHeader } from '../../../src-main/core/media/wav.js';

/** Installs `which` of the lip-sync packs (both by default) into `dataDir`'s models folder. */
export function fakeLipSyncPacks(dataDir: string, which: readonly ('detector' | 'model')[] = ['detector', 'model']): void {
  for (const role of which) {
    const { id, engine, file } = lipSyncPacks[role];
    const folder = path.join(modelsFolder(dataDir), id);
    mkdirSync(folder, { recursive: true });
    const bytes = Buffer.from(`not a real ${engine} graph\n`);
    writeFileSync(path.join(folder, file), bytes);
    const manifest: PackManifest = {
      manifestVersion: 1,
      pack: {
        id, kind: 'lipsync', name: `Fake ${engine} (tests)`, languages: ['*'], engine, license: 'MIT', sourceUrl: 'https://example.invalid/', minMemoryMb: 1,
        files: [{ path: file, url: `https://example.invalid/${file}` }],
      },
      installedAt: new Date().toISOString(),
      source: 'import',
      files: [{ path: file, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }],
    };
    writeFileSync(path.join(folder, manifestName), `${JSON.stringify(manifest, null, 2)}\n`);
  }
}

/** A WAV whose header says it holds no samples: a real audio file of zero length. */
export function writeSilentWavHeader(dir: string, name = 'nothing.wav'): string {
  const file = path.join(dir, name);
  writeFileSync(file, wavHeader(1, 16_000, 0));
  return file;
}

/** A file named like audio that holds text. */
export function writeNotAudio(dir: string, name = 'notes.wav'): string {
  const file = path.join(dir, name);
  writeFileSync(file, 'These are meeting notes, not a recording.\n'.repeat(20));
  return file;
}

export function writeEmptyFile(dir: string, name = 'empty.wav'): string {
  const file = path.join(dir, name);
  writeFileSync(file, '');
  return file;
}

/** A segment over [startMs, endMs) speaking `refId`, fitted unless told. */
export function segment(id: string, startMs: number, endMs: number, refId = 'dub', extra: { cropStartMs?: number; cropEndMs?: number; fit?: boolean } = {}) {
  const { fit = true, ...crop } = extra;
  return { id, startMs, endMs, audio: { refId, ...crop }, fit };
}
