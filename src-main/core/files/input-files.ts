// Owns reading the files a person names (subtitles, translations, glossaries, lip-sync segments,
// audio, archives) without trusting the path: each is checked before it is read — a regular file,
// not a folder, a named pipe, a device or a socket, and within the size limit of its kind — and
// read through a descriptor opened so that a pipe cannot block the open, with the read itself
// bounded by that limit and by a time limit. Nothing a path points at can hang a request or grow
// memory without bound.
import { constants, fstatSync, openSync, closeSync, readSync, statSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { RedubError, type ErrorCode } from '../../shared/errors.js';
import { formatBytes } from '../../shared/format.js';

export type InputFileKind = 'video' | 'subtitles' | 'translation' | 'glossary' | 'lipsync' | 'audio' | 'archive';

const labels: Record<InputFileKind, string> = {
  video: 'video',
  subtitles: 'subtitle file',
  translation: 'translation file',
  glossary: 'glossary file',
  lipsync: 'lip-sync segments file',
  audio: 'audio file',
  archive: 'model pack archive',
};

/**
 * The most bytes read from a file of each kind. Text files are small in life (a feature film's
 * SRT is a few hundred KB; an ASS file with karaoke styling a few MB); a path that names a bigger
 * one names the wrong file. Videos, audio and archives are streamed, never read whole.
 */
export const inputFileLimits: Partial<Record<InputFileKind, number>> = {
  subtitles: 10 * 1024 * 1024,
  translation: 10 * 1024 * 1024,
  glossary: 4 * 1024 * 1024,
  lipsync: 1024 * 1024,
};

/** How long reading one small file may take: local disks answer in milliseconds. */
export const inputReadTimeoutMs = 10_000;

/** What a missing file of each kind is called: the codes these kinds always had. */
const missingCodes: Record<InputFileKind, ErrorCode> = {
  video: 'E_INPUT_MISSING',
  subtitles: 'E_SUBTITLES_MISSING',
  translation: 'E_SUBTITLES_MISSING',
  glossary: 'E_GLOSSARY_FILE',
  lipsync: 'E_LIPSYNC_FILE',
  audio: 'E_INPUT_MISSING',
  archive: 'E_MODEL_IMPORT_FAILED',
};

export interface InputFileOptions {
  /** Overrides the kind's limit (the video limit is a setting). */
  maxBytes?: number;
  timeoutMs?: number;
}

/** Checks what `file` is without opening it; throws the RedubError that says why it cannot be read. */
export function checkInputFile(file: string, kind: InputFileKind, options: InputFileOptions = {}): Stats {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    throw openError(file, kind, error);
  }
  assertReadable(file, kind, stats, options);
  return stats;
}

/** The whole file, once checked, read within its kind's size and time limits. */
export async function readInputFile(file: string, kind: InputFileKind, options: InputFileOptions = {}): Promise<Buffer> {
  const limit = limitFor(kind, options);
  checkInputFile(file, kind, options);
  const deadline = Date.now() + (options.timeoutMs ?? inputReadTimeoutMs);
  const reading = (async () => {
    const handle = await open(file, openFlags()).catch((error: unknown) => {
      throw openError(file, kind, error);
    });
    try {
      // The path may have been swapped between the check and the open: check what was opened.
      assertReadable(file, kind, await handle.stat(), options);
      return await readUpTo(limit, file, kind, deadline, (buffer, offset, length) => handle.read(buffer, offset, length, null).then((result) => result.bytesRead));
    } finally {
      await handle.close().catch(() => undefined);
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(timeoutError(file, kind)), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([reading, timeout]);
  } finally {
    clearTimeout(timer);
    // A read that lost the race still ends (and closes its descriptor) on its own.
    reading.catch(() => undefined);
  }
}

/** The same, for callers that cannot wait (a file the command line names). */
export function readInputFileSync(file: string, kind: InputFileKind, options: InputFileOptions = {}): Buffer {
  const limit = limitFor(kind, options);
  checkInputFile(file, kind, options);
  let descriptor: number;
  try {
    descriptor = openSync(file, openFlags());
  } catch (error) {
    throw openError(file, kind, error);
  }
  try {
    assertReadable(file, kind, fstatSync(descriptor), options);
    const collector = new BoundedCollector(file, kind, limit, Date.now() + (options.timeoutMs ?? inputReadTimeoutMs));
    for (let chunk = collector.next(); collector.take(readSync(descriptor, chunk, 0, chunk.length, null)); chunk = collector.next());
    return collector.result();
  } finally {
    closeSync(descriptor);
  }
}

const chunkBytes = 64 * 1024;

async function readUpTo(
  limit: number,
  file: string,
  kind: InputFileKind,
  deadline: number,
  read: (buffer: Buffer, offset: number, length: number) => Promise<number>,
): Promise<Buffer> {
  const collector = new BoundedCollector(file, kind, limit, deadline);
  for (let chunk = collector.next(); collector.take(await read(chunk, 0, chunk.length)); chunk = collector.next());
  return collector.result();
}

/** Gathers a file's bytes chunk by chunk, refusing it once past the size or the time limit. */
class BoundedCollector {
  private readonly chunks: Buffer[] = [];
  private total = 0;
  private current = Buffer.alloc(0);

  constructor(
    private readonly file: string,
    private readonly kind: InputFileKind,
    private readonly limit: number,
    private readonly deadline: number,
  ) {}

  /** Where the next read goes: one byte past the limit tells a file that grew after the check from one that fits. */
  next(): Buffer {
    this.current = Buffer.alloc(Math.min(chunkBytes, this.limit + 1 - this.total));
    return this.current;
  }

  /** Keeps what a read returned; false at the end of the file. */
  take(bytesRead: number): boolean {
    if (bytesRead === 0) return false;
    this.chunks.push(this.current.subarray(0, bytesRead));
    this.total += bytesRead;
    if (this.total > this.limit) throw tooLarge(this.file, this.kind, this.limit, this.total);
    if (Date.now() >= this.deadline) throw timeoutError(this.file, this.kind);
    return true;
  }

  result(): Buffer {
    return Buffer.concat(this.chunks, this.total);
  }
}

/** Read-only, and non-blocking so that opening a named pipe returns at once instead of waiting for a writer. */
function openFlags(): number {
  if (process.platform === 'win32') return constants.O_RDONLY;
  return constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;
}

function limitFor(kind: InputFileKind, options: InputFileOptions): number {
  return options.maxBytes ?? inputFileLimits[kind] ?? Number.MAX_SAFE_INTEGER;
}

function assertReadable(file: string, kind: InputFileKind, stats: Stats, options: InputFileOptions): void {
  const label = labels[kind];
  const details = [`File: ${file}`];
  if (stats.isDirectory()) {
    if (kind === 'video') throw new RedubError('E_INPUT_IS_DIRECTORY', { details });
    throw new RedubError('E_PATH_IS_FOLDER', { message: `The ${label} ${path.basename(file)} is a folder, not a file.`, details });
  }
  if (stats.isFIFO()) throw new RedubError('E_FILE_IS_FIFO', { message: `The ${label} ${path.basename(file)} is a named pipe (FIFO), not a file; Redub does not read pipes.`, details });
  if (stats.isCharacterDevice() || stats.isBlockDevice()) throw new RedubError('E_FILE_IS_DEVICE', { message: `The ${label} ${file} is a device, not a file.`, details });
  if (stats.isSocket()) throw new RedubError('E_FILE_IS_SOCKET', { message: `The ${label} ${path.basename(file)} is a socket, not a file.`, details });
  if (!stats.isFile()) throw new RedubError('E_INPUT_UNREADABLE', { message: `The ${label} ${path.basename(file)} is not a regular file.`, details });
  const limit = limitFor(kind, options);
  if (stats.size > limit) throw tooLarge(file, kind, limit, stats.size);
}

function tooLarge(file: string, kind: InputFileKind, limit: number, size: number): RedubError {
  if (kind === 'video') {
    return new RedubError('E_INPUT_TOO_LARGE', { message: `The input file is ${formatBytes(size)}, larger than the ${formatBytes(limit)} limit.`, details: [`File: ${file}`] });
  }
  return new RedubError('E_FILE_TOO_LARGE', {
    message: `The ${labels[kind]} ${path.basename(file)} is ${size > limit + 1 ? formatBytes(size) : `over ${formatBytes(limit)}`}; ${/^[aeiou]/.test(labels[kind]) ? 'an' : 'a'} ${labels[kind]} is at most ${formatBytes(limit)}.`,
    details: [`File: ${file}`],
  });
}

function timeoutError(file: string, kind: InputFileKind): RedubError {
  return new RedubError('E_FILE_READ_TIMEOUT', { message: `The ${labels[kind]} ${path.basename(file)} could not be read within ${Math.round(inputReadTimeoutMs / 1000)} s.`, details: [`File: ${file}`] });
}

function openError(file: string, kind: InputFileKind, error: unknown): RedubError {
  const code = (error as NodeJS.ErrnoException).code;
  const details = [`File: ${file}`];
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const missing = missingCodes[kind];
    const message = missing === 'E_INPUT_MISSING' && kind !== 'video' ? `The ${labels[kind]} ${path.basename(file)} does not exist.` : undefined;
    return new RedubError(missing, { message, details: [...details, 'There is no such file.'] });
  }
  // Opening a socket fails; say what it is rather than how the open failed.
  if (code === 'ENXIO') return new RedubError('E_FILE_IS_SOCKET', { message: `The ${labels[kind]} ${path.basename(file)} is a socket, not a file.`, details });
  return new RedubError('E_INPUT_UNREADABLE', { message: `The ${labels[kind]} ${path.basename(file)} cannot be read.`, details: [...details, (error as Error).message] });
}
