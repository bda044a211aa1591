// Cheap identities for input files. Videos can be many GB, so they are identified by size,
// modification time and their first and last MiB rather than a full hash; subtitle files are
// small and hashed whole, so editing one line changes their identity.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';

const sampleBytes = 1024 * 1024;

export function fingerprintMedia(file: string): string {
  const stats = statSync(file);
  const hash = createHash('sha256').update(`${stats.size}:${Math.round(stats.mtimeMs)}`);
  const descriptor = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(sampleBytes, stats.size));
    readSync(descriptor, buffer, 0, buffer.length, 0);
    hash.update(buffer);
    readSync(descriptor, buffer, 0, buffer.length, Math.max(0, stats.size - buffer.length));
    hash.update(buffer);
  } finally {
    closeSync(descriptor);
  }
  return hash.digest('hex');
}

export function hashFileContent(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
