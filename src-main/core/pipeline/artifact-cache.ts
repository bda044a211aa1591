// Owns the artifact cache: every stage's output lives in a folder named by a hash of the stage's
// inputs, parameters and version, so a re-run finds what did not change. An attempt writes into
// a fresh folder of its own under tmp/; commit() syncs its files to disk, records what they are
// (manifest.json: each file's size and a hash of its first and last 64 KiB), then renames the
// folder into place. A folder under its key is therefore whole, and verify() tells a folder that
// was damaged since (a truncated file, a file swapped for another) from a good one.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { syncToDisk } from '../files/sync-to-disk.js';
import { contentSample } from './fingerprint.js';

const resultFile = 'result.json';
const manifestFile = 'manifest.json';
/** Inside a temporary folder: which process's attempt writes it. */
const ownerFile = '.redub-owner';
/** A temporary folder without an owner file is a moment old (being created) or left by an old version. */
const unownedGraceMs = 10 * 60_000;

interface Manifest {
  version: 1;
  resultSha256: string;
  files: { name: string; bytes: number; sample: string }[];
}

export type ArtifactCheck = { state: 'missing' } | { state: 'valid' } | { state: 'damaged'; reason: string };

export class ArtifactCache {
  /**
   * `owner` names this process in the temporary folders it makes (the scheduler's owner id
   * shape, host:pid:token), so a later start can tell folders of dead processes from live ones.
   */
  constructor(
    readonly root: string,
    private readonly owner = `unknown:${process.pid}:${randomUUID().slice(0, 8)}`,
  ) {
    mkdirSync(path.join(root, 'tmp'), { recursive: true });
  }

  static keyFor(stage: string, version: number, inputs: unknown): string {
    return createHash('sha256').update(stableJson({ stage, version, inputs })).digest('hex');
  }

  directory(key: string): string {
    return path.join(this.root, key.slice(0, 2), key);
  }

  /** Whether a complete artifact is under the key (its files are not checked: see verify). */
  has(key: string): boolean {
    return existsSync(path.join(this.directory(key), resultFile));
  }

  read<T>(key: string): T {
    return JSON.parse(readFileSync(path.join(this.directory(key), resultFile), 'utf8')) as T;
  }

  /**
   * Checks the artifact against its manifest: the result parses and is the one committed, and
   * every file has the size and the head and tail it had. An artifact from before manifests
   * existed cannot be vouched for and counts as damaged, so it is made again once.
   */
  verify(key: string): ArtifactCheck {
    const directory = this.directory(key);
    if (!this.has(key)) return { state: 'missing' };
    let manifest: Manifest;
    try {
      manifest = JSON.parse(readFileSync(path.join(directory, manifestFile), 'utf8')) as Manifest;
    } catch {
      return { state: 'damaged', reason: 'it has no readable manifest (written by an older Redub, or cut short)' };
    }
    try {
      const result = readFileSync(path.join(directory, resultFile));
      if (createHash('sha256').update(result).digest('hex') !== manifest.resultSha256) return { state: 'damaged', reason: `${resultFile} changed after it was written` };
      JSON.parse(result.toString('utf8'));
      for (const file of manifest.files) {
        const full = path.join(directory, file.name);
        const size = statSync(full).size;
        if (size !== file.bytes) return { state: 'damaged', reason: `${file.name} is ${size} bytes, not the ${file.bytes} written` };
        if (contentSample(full) !== file.sample) return { state: 'damaged', reason: `${file.name} does not hold what was written` };
      }
    } catch (error) {
      return { state: 'damaged', reason: (error as Error).message };
    }
    return { state: 'valid' };
  }

  /** A fresh folder for one attempt of a stage to write into; commit() publishes it, discard() removes it. */
  createTemporary(key: string): string {
    const folder = path.join(this.root, 'tmp', `${key.slice(0, 16)}-${randomUUID().slice(0, 8)}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, ownerFile), this.owner);
    return folder;
  }

  commit(key: string, temporary: string, result: unknown): { directory: string; bytes: number } {
    rmSync(path.join(temporary, ownerFile), { force: true });
    const resultText = JSON.stringify(result);
    writeDurably(path.join(temporary, resultFile), resultText);
    const files = listFiles(temporary).filter((name) => name !== resultFile);
    const manifest: Manifest = {
      version: 1,
      resultSha256: createHash('sha256').update(resultText).digest('hex'),
      files: files.map((name) => {
        const full = path.join(temporary, name);
        syncToDisk(full);
        return { name, bytes: statSync(full).size, sample: contentSample(full) };
      }),
    };
    writeDurably(path.join(temporary, manifestFile), JSON.stringify(manifest));
    for (const folder of subfolders(temporary)) syncToDisk(folder);
    syncToDisk(temporary);
    const target = this.directory(key);
    const parent = path.dirname(target);
    if (!existsSync(parent)) {
      mkdirSync(parent, { recursive: true });
      syncToDisk(this.root);
    }
    if (existsSync(target)) {
      // Another job produced the same artifact meanwhile; theirs is as good as ours.
      rmSync(temporary, { recursive: true, force: true });
    } else {
      renameSync(temporary, target);
      // The rename itself is durable only once the folder that holds it is synced.
      syncToDisk(parent);
    }
    return { directory: target, bytes: folderBytes(target) };
  }

  discard(temporary: string): void {
    rmSync(temporary, { recursive: true, force: true });
  }

  /** Removes an artifact (found damaged, or pruned): it leaves its key at once, then is deleted. */
  remove(key: string): void {
    const directory = this.directory(key);
    if (!existsSync(directory)) return;
    const doomed = path.join(this.root, 'tmp', `removed-${key.slice(0, 16)}-${randomUUID().slice(0, 8)}`);
    try {
      renameSync(directory, doomed);
    } catch {
      rmSync(directory, { recursive: true, force: true });
      return;
    }
    rmSync(doomed, { recursive: true, force: true });
  }

  /**
   * Removes the temporary folders no running attempt owns: those of processes that have died
   * (killed mid-stage, a power cut), and any without an owner older than a few minutes.
   * Returns how many it removed.
   */
  clearAbandonedTemporaries(isOwnerAlive: (owner: string) => boolean, now = Date.now()): number {
    const tmp = path.join(this.root, 'tmp');
    let removed = 0;
    for (const name of safeList(tmp)) {
      const folder = path.join(tmp, name);
      let owner: string | null = null;
      try {
        owner = readFileSync(path.join(folder, ownerFile), 'utf8').trim();
      } catch {
        owner = null;
      }
      const abandoned = owner ? owner !== this.owner && !isOwnerAlive(owner) : now - modifiedMs(folder, now) > unownedGraceMs;
      if (!abandoned) continue;
      rmSync(folder, { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  /** Folder for small per-item artifacts (one cue's speech), addressed by their own keys. */
  itemPath(key: string, extension: string): string {
    return path.join(this.root, 'items', key.slice(0, 2), `${key}${extension}`);
  }
}

/** JSON with sorted object keys, so equal inputs always hash the same. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
    }
    return inner;
  });
}

export function hashOf(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

function writeDurably(file: string, text: string): void {
  writeFileSync(file, text);
  syncToDisk(file);
}

/** Every file below `folder`, as paths relative to it with forward slashes. */
function listFiles(folder: string, prefix = ''): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(path.join(folder, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) names.push(...listFiles(folder, relative));
    else names.push(relative);
  }
  return names.sort();
}

function subfolders(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const full = path.join(folder, entry.name);
      return [...subfolders(full), full];
    });
}

function safeList(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

function modifiedMs(folder: string, fallback: number): number {
  try {
    return statSync(folder).mtimeMs;
  } catch {
    return fallback;
  }
}

function folderBytes(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    total += entry.isDirectory() ? folderBytes(full) : statSync(full).size;
  }
  return total;
}
