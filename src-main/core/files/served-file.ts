// Owns opening a file to send it to a client (a job's media, a download, the app's own files)
// without ever sending one from outside the folder it belongs to. A symbolic link is refused
// outright, the real path must lie inside the folder as it was recorded (so a link planted
// higher up the path is caught too), and the file is opened without following links and checked
// to be the very file that was checked, so swapping it in between is caught as well.
import { constants, realpathSync, type Stats } from 'node:fs';
import { lstat, open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { RedubError } from '../../shared/errors.js';

export interface ServedFile {
  path: string;
  size: number;
  modified: Date;
  /** Bytes start..end inclusive; the file is closed when the stream ends or is destroyed. */
  stream(start: number, end: number): Readable;
  /** Closes the file when no stream is taken (HEAD, 416). */
  close(): Promise<void>;
}

/** Where a file must be and the folder it must stay inside (both as recorded by the job). */
export interface FileLocation {
  file: string;
  folder: string;
}

/** Whether `candidate` is `root` itself or below it (both absolute, normalized). */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  if (relative === '') return true;
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/**
 * Opens `file` for sending, or throws: E_NOT_READY when it is not there (or not a regular file),
 * E_FORBIDDEN_PATH when it is a link or lies outside `folder` once links are resolved.
 */
export async function openServedFile({ file, folder }: FileLocation): Promise<ServedFile> {
  const forbidden = (reason: string) => new RedubError('E_FORBIDDEN_PATH', { details: [reason] });
  let link: Stats;
  try {
    link = await lstat(file);
  } catch {
    throw new RedubError('E_NOT_READY', { details: ['The file is no longer where the job left it.'], action: 'Retry the job to make the file again.' });
  }
  if (link.isSymbolicLink()) throw forbidden(`${path.basename(file)} is a symbolic link; Redub serves only the files it wrote or was given.`);
  if (!link.isFile()) throw new RedubError('E_NOT_READY', { details: [`${path.basename(file)} is not a regular file.`] });
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    throw new RedubError('E_NOT_READY', { details: ['The file is no longer where the job left it.'] });
  }
  if (!isInside(path.resolve(folder), real)) throw forbidden(`${path.basename(file)} resolves to a place outside the job's folder.`);

  let handle: FileHandle;
  try {
    handle = await open(real, openFlags());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw forbidden(`${path.basename(file)} became a symbolic link.`);
    throw new RedubError('E_NOT_READY', { details: [`${path.basename(file)} cannot be opened: ${(error as Error).message}`] });
  }
  try {
    const opened = await handle.stat();
    const checked = await stat(real);
    // The path was swapped between the check and the open: what was opened is not what was checked.
    if (!opened.isFile() || opened.ino !== checked.ino || opened.dev !== checked.dev) throw forbidden(`${path.basename(file)} changed while it was opened.`);
    return servedFile(handle, real, opened);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

function servedFile(handle: FileHandle, file: string, stats: Stats): ServedFile {
  let streamed = false;
  return {
    path: file,
    size: stats.size,
    modified: stats.mtime,
    stream(start, end) {
      streamed = true;
      return handle.createReadStream({ start, end, autoClose: true });
    },
    async close() {
      if (!streamed) await handle.close().catch(() => undefined);
    },
  };
}

/** Read-only, never through a link, and never blocking on a pipe swapped in at the last moment. */
function openFlags(): number {
  if (process.platform === 'win32') return constants.O_RDONLY;
  return constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
}

/**
 * A file of a folder the app ships (the built renderer), opened like openServedFile; the folder
 * itself may sit behind links (an install under /opt linked elsewhere). Null when `file` is not a
 * regular file inside it.
 */
export async function openFileInFolder(folder: string, file: string): Promise<ServedFile | null> {
  try {
    const root = path.resolve(folder);
    const realRoot = realpathSync(root);
    return await openServedFile({ file: path.join(realRoot, path.relative(root, file)), folder: realRoot });
  } catch {
    return null;
  }
}

/** All of a served file's bytes (small files only: the app's pages and scripts). */
export async function readServedFile(file: ServedFile): Promise<Buffer> {
  if (file.size === 0) {
    await file.close();
    return Buffer.alloc(0);
  }
  return buffer(file.stream(0, file.size - 1));
}
