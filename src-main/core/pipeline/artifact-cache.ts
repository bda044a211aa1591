// Owns the artifact cache: every stage's output lives in a folder named by a hash of the stage's
// inputs, parameters and version, so a re-run finds what did not change. A folder appears under
// its key only once complete (written in tmp/, then renamed), so a crash never leaves a
// half-written artifact that a later run would trust.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const resultFile = 'result.json';

export class ArtifactCache {
  constructor(readonly root: string) {
    mkdirSync(path.join(root, 'tmp'), { recursive: true });
  }

  static keyFor(stage: string, version: number, inputs: unknown): string {
    return createHash('sha256').update(stableJson({ stage, version, inputs })).digest('hex');
  }

  directory(key: string): string {
    return path.join(this.root, key.slice(0, 2), key);
  }

  has(key: string): boolean {
    return existsSync(path.join(this.directory(key), resultFile));
  }

  read<T>(key: string): T {
    return JSON.parse(readFileSync(path.join(this.directory(key), resultFile), 'utf8')) as T;
  }

  /** A fresh folder for a stage to write into; commit() publishes it, discard() removes it. */
  createTemporary(key: string): string {
    const folder = path.join(this.root, 'tmp', `${key.slice(0, 16)}-${randomUUID().slice(0, 8)}`);
    mkdirSync(folder, { recursive: true });
    return folder;
  }

  commit(key: string, temporary: string, result: unknown): { directory: string; bytes: number } {
    writeFileSync(path.join(temporary, resultFile), JSON.stringify(result));
    const target = this.directory(key);
    mkdirSync(path.dirname(target), { recursive: true });
    if (existsSync(target)) {
      // Another job produced the same artifact meanwhile; theirs is as good as ours.
      rmSync(temporary, { recursive: true, force: true });
    } else {
      renameSync(temporary, target);
    }
    return { directory: target, bytes: folderBytes(target) };
  }

  discard(temporary: string): void {
    rmSync(temporary, { recursive: true, force: true });
  }

  /** Removes temporary folders left by a process that died mid-stage. */
  clearTemporaries(olderThanMs: number, now = Date.now()): void {
    const tmp = path.join(this.root, 'tmp');
    for (const name of safeList(tmp)) {
      const folder = path.join(tmp, name);
      if (now - statSync(folder).mtimeMs > olderThanMs) rmSync(folder, { recursive: true, force: true });
    }
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

function safeList(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
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
