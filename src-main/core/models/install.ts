// `redub models install`: downloads every file of a pack into a staging folder, then renames the
// whole folder into `<dataDir>/models/<id>` so nothing half-installed is ever visible. The
// staging folder's name is stable per pack, so running install again resumes the .part files.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { RedubError } from '../../shared/errors.js';
import path from 'node:path';
import type { CatalogFile, CatalogPack } from './catalog.js';
import { downloadFile, isResumableFailure, type DownloadOptions } from './download.js';
import { exists, hashFile, resolveInside, type FileDigest } from './files.js';
import { commitPack, stagingFolder, type InstalledFile } from './model-store.js';

export interface InstallProgress {
  packId: string;
  file: string;
  fileIndex: number;
  fileCount: number;
  /** Bytes of the whole pack, counting files finished in an earlier, interrupted run. */
  bytesDone: number;
  bytesTotal: number | null;
}

export interface InstallOptions extends Pick<DownloadOptions, 'fetchImpl' | 'signal' | 'retries' | 'retryDelayMs' | 'idleTimeoutMs'> {
  onProgress?: (progress: InstallProgress) => void;
}

export interface InstallResult {
  id: string;
  dir: string;
  files: InstalledFile[];
  bytes: number;
}

export function downloadStagingFolder(dataDir: string, packId: string): string {
  return path.join(stagingFolder(dataDir), `${packId}.download`);
}

function matchesCatalog(file: CatalogFile, digest: FileDigest): boolean {
  return (file.size === undefined || file.size === digest.size) && (file.sha256 === undefined || file.sha256 === digest.sha256);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Two installs of one pack would write the same .part files, so the second is refused while the
 * first runs. The lock holds the owner's pid; a lock whose process is gone is taken over.
 */
async function lockInstall(dataDir: string, packId: string): Promise<() => Promise<void>> {
  const lock = path.join(stagingFolder(dataDir), `${packId}.lock`);
  await mkdir(path.dirname(lock), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const owner = Number(await readFile(lock, 'utf8').catch(() => ''));
      if (owner > 0 && isAlive(owner)) {
        throw new RedubError('E_MODEL_DOWNLOAD_FAILED', {
          message: `Another Redub process (pid ${owner}) is already installing the model pack "${packId}".`,
          action: `Wait for it to finish. If no other Redub is running, delete ${lock} and try again.`,
        });
      }
      await rm(lock, { force: true });
    }
  }
}

export async function installPack(pack: CatalogPack, dataDir: string, options: InstallOptions = {}): Promise<InstallResult> {
  const unlock = await lockInstall(dataDir, pack.id);
  try {
    return await downloadPack(pack, dataDir, options);
  } finally {
    await unlock();
  }
}

async function downloadPack(pack: CatalogPack, dataDir: string, options: InstallOptions): Promise<InstallResult> {
  const staging = downloadStagingFolder(dataDir, pack.id);
  await mkdir(staging, { recursive: true });
  const sizes: (number | null)[] = pack.files.map((file) => file.size ?? null);
  const report = (index: number, current: number) => {
    const finished = sizes.slice(0, index).reduce<number>((sum, size) => sum + (size ?? 0), 0);
    const bytesTotal = sizes.every((size) => size !== null) ? sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0) : null;
    options.onProgress?.({ packId: pack.id, file: pack.files[index]!.path, fileIndex: index, fileCount: pack.files.length, bytesDone: finished + current, bytesTotal });
  };

  const files: InstalledFile[] = [];
  try {
    for (const [index, file] of pack.files.entries()) {
      const target = resolveInside(staging, file.path);
      // A file finished by an earlier run was renamed from its .part only after it verified.
      let digest: FileDigest | null = (await exists(target)) ? await hashFile(target) : null;
      if (digest && !matchesCatalog(file, digest)) {
        await rm(target, { force: true });
        digest = null;
      }
      digest ??= await downloadFile(file.url, target, {
        ...(file.size !== undefined ? { expectedSize: file.size } : {}),
        ...(file.sha256 !== undefined ? { expectedSha256: file.sha256 } : {}),
        fetchImpl: options.fetchImpl,
        signal: options.signal,
        retries: options.retries,
        retryDelayMs: options.retryDelayMs,
        idleTimeoutMs: options.idleTimeoutMs,
        onProgress: ({ bytesDone, bytesTotal }) => {
          if (sizes[index] === null && bytesTotal !== null) sizes[index] = bytesTotal;
          report(index, bytesDone);
        },
      });
      sizes[index] = digest.size;
      report(index, digest.size);
      files.push({ path: file.path, size: digest.size, sha256: digest.sha256 });
    }
  } catch (error) {
    // Keep the parts only where running install again can continue them.
    if (!isResumableFailure(error)) await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const dir = await commitPack(dataDir, pack, staging, files, 'download');
  return { id: pack.id, dir, files, bytes: files.reduce((sum, file) => sum + file.size, 0) };
}
