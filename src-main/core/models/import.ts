// `redub models import`: installs a pack from a folder or a .tar/.tar.gz archive carried to an
// offline machine. Every file the catalog lists must be there (at the root or under one top
// folder) and match its published size and SHA-256; the pack appears by one rename, or not at all.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RedubError } from '../../shared/errors.js';
import type { CatalogPack } from './catalog.js';
import { hashFile, randomSuffix, resolveInside, type FileDigest } from './files.js';
import type { InstallResult } from './install.js';
import { commitPack, stagingFolder, type InstalledFile } from './model-store.js';
import { checkInputFile } from '../files/input-files.js';
import { extractTar } from './tar-reader.js';

function failed(message: string, details: string[] = []): RedubError {
  return new RedubError('E_MODEL_IMPORT_FAILED', { message, details });
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
}

async function looksLikeZip(file: string): Promise<boolean> {
  if (/\.zip$/i.test(file)) return true;
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer.readUInt32LE(0) === 0x04034b50;
  } finally {
    await handle.close();
  }
}

/** The folder that holds the pack's files: the given one, or its only sub-folder (archives often wrap one). */
async function findPackRoot(folder: string, pack: CatalogPack): Promise<string> {
  if (await isFile(resolveInside(folder, pack.files[0]!.path))) return folder;
  const entries = (await readdir(folder, { withFileTypes: true })).filter((entry) => !entry.name.startsWith('.'));
  if (entries.length === 1 && entries[0]!.isDirectory()) return path.join(folder, entries[0]!.name);
  return folder;
}

async function copyAndHash(source: string, target: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(createReadStream(source), tap, createWriteStream(target));
  return { size, sha256: hash.digest('hex') };
}

export async function importPack(pack: CatalogPack, source: string, dataDir: string): Promise<InstallResult> {
  const info = await stat(source).catch(() => null);
  if (!info) throw failed(`There is nothing at ${source}.`);
  // A pipe or a device would block the archive reader forever: only folders and files are read.
  if (!info.isDirectory()) checkInputFile(source, 'archive');
  if (info.isFile() && (await looksLikeZip(source))) {
    throw failed('Zip archives are unsupported: extract it first, then import the folder.', [source]);
  }
  const staging = path.join(stagingFolder(dataDir), `${pack.id}.import-${randomSuffix()}`);
  const unpacked = path.join(staging, '.unpacked');
  await mkdir(staging, { recursive: true });
  try {
    let root: string;
    if (info.isDirectory()) {
      root = await findPackRoot(source, pack);
    } else {
      await extractTar(source, unpacked);
      root = await findPackRoot(unpacked, pack);
    }
    const missing: string[] = [];
    for (const file of pack.files) if (!(await isFile(resolveInside(root, file.path)))) missing.push(file.path);
    if (missing.length > 0) {
      throw failed(`${source} lacks ${missing.length === 1 ? 'a file' : `${missing.length} files`} of the pack "${pack.id}": ${missing.join(', ')}.`, missing.map((file) => `missing: ${file}`));
    }

    const files: InstalledFile[] = [];
    const bad: string[] = [];
    for (const file of pack.files) {
      const from = resolveInside(root, file.path);
      const to = resolveInside(staging, file.path);
      await mkdir(path.dirname(to), { recursive: true });
      // Files unpacked into staging move by rename; a folder's files are copied, hashing as they go.
      const digest = root.startsWith(unpacked) ? await rename(from, to).then(() => hashFile(to)) : await copyAndHash(from, to);
      if (file.size !== undefined && digest.size !== file.size) bad.push(`${file.path}: ${digest.size} bytes, but the catalog publishes ${file.size}`);
      else if (file.sha256 !== undefined && digest.sha256 !== file.sha256) bad.push(`${file.path}: does not match the catalog's published SHA-256`);
      files.push({ path: file.path, size: digest.size, sha256: digest.sha256 });
    }
    if (bad.length > 0) throw failed(`${source} has ${bad.length === 1 ? 'a file' : 'files'} that do not match the catalog: ${bad.map((line) => line.split(':')[0]).join(', ')}.`, bad);
    await rm(unpacked, { recursive: true, force: true });
    const dir = await commitPack(dataDir, pack, staging, files, 'import');
    return { id: pack.id, dir, files, bytes: files.reduce((sum, file) => sum + file.size, 0) };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (error instanceof RedubError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new RedubError('E_DISK_FULL', { message: 'The disk filled up while importing the pack.', cause: error });
    throw failed(`The pack could not be imported from ${source}.`, [(error as Error).message]);
  }
}
