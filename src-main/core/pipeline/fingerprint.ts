// Cheap identities for files. Videos can be many GB, so they are identified by size,
// modification time and their first and last MiB rather than a full hash; subtitle files are
// small and hashed whole, so editing one line changes their identity.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

const mediaSampleBytes = 1024 * 1024;
const artifactSampleBytes = 64 * 1024;

export function fingerprintMedia(file: string): string {
  const stats = statSync(file);
  const hash = createHash('sha256').update(`${stats.size}:${Math.round(stats.mtimeMs)}`);
  return hashHeadAndTail(file, hash, mediaSampleBytes);
}

/** Size and first and last 64 KiB: what an artifact's manifest records of each of its files. */
export function contentSample(file: string): string {
  return hashHeadAndTail(file, createHash('sha256'), artifactSampleBytes, true);
}

function hashHeadAndTail(file: string, hash: Hash, sampleBytes: number, withSize = false): string {
  const descriptor = openSync(file, 'r');
  try {
    const size = fstatSync(descriptor).size;
    if (withSize) hash.update(`${size}:`);
    const buffer = Buffer.alloc(Math.min(sampleBytes, size));
    readSync(descriptor, buffer, 0, buffer.length, 0);
    hash.update(buffer);
    readSync(descriptor, buffer, 0, buffer.length, Math.max(0, size - buffer.length));
    hash.update(buffer);
  } finally {
    closeSync(descriptor);
  }
  return hash.digest('hex');
}
