// Small file helpers the model manager shares: streaming SHA-256, safe relative paths and
// atomic folder swaps. Model files run to gigabytes, so nothing here reads a whole file at once.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

export interface FileDigest {
  size: number;
  sha256: string;
}

export async function hashFile(file: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

/**
 * Whether a path from a catalog or an archive stays inside the folder it is unpacked into:
 * relative, forward slashes only, no `..`, no drive letters. Archives are untrusted input.
 */
export function isSafeRelativePath(candidate: string): boolean {
  if (candidate === '' || candidate.includes('\0') || candidate.includes('\\')) return false;
  if (candidate.startsWith('/') || /^[A-Za-z]:/.test(candidate)) return false;
  return candidate.split('/').every((segment) => segment !== '..');
}

/** Joins a checked relative path onto a folder, and checks the result once more after resolving. */
export function resolveInside(folder: string, relative: string): string {
  const target = path.resolve(folder, relative);
  const root = path.resolve(folder);
  if (!isSafeRelativePath(relative) || (target !== root && !target.startsWith(root + path.sep))) {
    throw new Error(`The path "${relative}" leaves the folder it belongs in.`);
  }
  return target;
}

export async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}

/**
 * Puts a finished folder at `target` with renames only, so a reader sees either the old pack or
 * the new one, never a mix. An old folder is moved aside first and deleted afterwards.
 */
export async function swapFolderInto(staging: string, target: string): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  let aside: string | null = null;
  if (await exists(target)) {
    aside = path.join(path.dirname(target), `.trash-${path.basename(target)}-${randomSuffix()}`);
    await rename(target, aside);
  }
  try {
    await rename(staging, target);
  } catch (error) {
    if (aside) await rename(aside, target).catch(() => undefined);
    throw error;
  }
  if (aside) await rm(aside, { recursive: true, force: true });
}
