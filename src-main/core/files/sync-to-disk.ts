// Owns fsync of a file or a folder: a file's bytes are on disk only once synced, and a rename
// that publishes it survives a power cut only once the folder holding it is synced too.
import { closeSync, fsyncSync, openSync } from 'node:fs';

export function syncToDisk(file: string): void {
  const descriptor = openSync(file, 'r');
  try {
    fsyncSync(descriptor);
  } catch (error) {
    // Some file systems (and Windows, for folders) cannot sync a folder; the files were synced.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR' && code !== 'ENOTSUP') throw error;
  } finally {
    closeSync(descriptor);
  }
}
