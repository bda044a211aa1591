// A small streaming tar reader for importing model packs on offline machines: ustar headers,
// pax extended headers (long names, large sizes) and GNU long names. Archives are untrusted, so
// an entry with an absolute path or a `..` segment rejects the whole archive before it is written.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { RedubError } from '../../shared/errors.js';
import { isSafeRelativePath, resolveInside } from './files.js';

const block = 512;

export interface TarEntry {
  path: string;
  type: 'file' | 'directory' | 'other';
  size: number;
}

function rejected(message: string, details: string[] = []): RedubError {
  return new RedubError('E_MODEL_IMPORT_FAILED', { message, details });
}

/** Pulls exact byte counts out of a stream of chunks of any size. */
class ChunkReader {
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(minimum: number): Promise<boolean> {
    while (this.buffer.length < minimum && !this.ended) {
      const next = await this.source.next();
      if (next.done) this.ended = true;
      else this.buffer = this.buffer.length === 0 ? next.value : Buffer.concat([this.buffer, next.value]);
    }
    return this.buffer.length >= minimum;
  }

  /** The next `length` bytes; null at a clean end of stream, an error when it ends part-way. */
  async read(length: number): Promise<Buffer | null> {
    if (!(await this.fill(length))) {
      if (this.buffer.length === 0) return null;
      throw rejected('The archive ends in the middle of a header; it is truncated.');
    }
    const head = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return head;
  }

  /**
   * Yields the next `state.left` bytes in pieces, without holding a whole model file in memory;
   * `state` tracks what is still unread, so a consumer that stops early can be skipped past.
   */
  async *take(state: { left: number }): AsyncGenerator<Buffer> {
    while (state.left > 0) {
      if (!(await this.fill(1))) throw rejected('The archive ends in the middle of a file; it is truncated.');
      const piece = this.buffer.subarray(0, Math.min(state.left, this.buffer.length));
      this.buffer = this.buffer.subarray(piece.length);
      state.left -= piece.length;
      yield piece;
    }
  }
}

function text(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function octal(header: Buffer, start: number, length: number): number {
  // GNU base-256: the high bit of the first byte marks a big-endian binary number.
  if ((header[start]! & 0x80) !== 0) {
    let value = header[start]! & 0x7f;
    for (let index = start + 1; index < start + length; index++) value = value * 256 + header[index]!;
    return value;
  }
  const digits = text(header, start, length).trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}

function checksumMatches(header: Buffer): boolean {
  let sum = 0;
  for (let index = 0; index < block; index++) sum += index >= 148 && index < 156 ? 0x20 : header[index]!;
  return sum === octal(header, 148, 8);
}

/** pax records: "<length> <key>=<value>\n", repeated. */
function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    const length = parseInt(data.subarray(offset, space).toString('utf8'), 10);
    if (space === -1 || !Number.isFinite(length) || length <= 0) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    offset += length;
  }
  return records;
}

async function collect(pieces: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const piece of pieces) parts.push(piece);
  return Buffer.concat(parts);
}

/** Normalizes an entry's name (./ prefixes, trailing slash) and rejects any that could escape. */
export function checkEntryPath(name: string): string {
  const normalized = name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (!isSafeRelativePath(normalized) && normalized !== '') throw rejected(`The archive contains an unsafe path: "${name}".`, ['Entries may not be absolute or contain "..".']);
  return normalized;
}

/**
 * Reads a tar stream entry by entry. `onEntry` receives each entry and its content; content it
 * does not consume is skipped. Throws E_MODEL_IMPORT_FAILED for a damaged or unsafe archive.
 */
export async function readTar(source: AsyncIterable<Buffer>, onEntry: (entry: TarEntry, content: AsyncIterable<Buffer>) => Promise<void>): Promise<void> {
  const reader = new ChunkReader(source[Symbol.asyncIterator]());
  let pax: Record<string, string> = {};
  let longName: string | null = null;
  for (;;) {
    const header = await reader.read(block);
    if (!header || header.every((byte) => byte === 0)) return;
    if (!checksumMatches(header)) throw rejected('The file is not a tar archive, or the archive is damaged (a header checksum is wrong).');
    const type = String.fromCharCode(header[156]!);
    const size = Number(pax.size ?? octal(header, 124, 12));
    const padding = (block - (size % block)) % block;
    const unread = { left: size };
    const content = reader.take(unread);

    if (type === 'x' || type === 'g' || type === 'L') {
      const data = await collect(content);
      if (type === 'x') pax = parsePax(data);
      if (type === 'L') longName = text(data, 0, data.length);
      await reader.read(padding);
      continue;
    }
    const prefix = text(header, 345, 155);
    const name = pax.path ?? longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    pax = {};
    longName = null;
    const entryPath = checkEntryPath(name);
    const kind: TarEntry['type'] = type === '0' || type === '\0' || type === '7' ? 'file' : type === '5' ? 'directory' : 'other';
    await onEntry({ path: entryPath, type: kind, size }, content);
    for await (const _ of reader.take(unread)) {
      // Skip what the handler left unread.
    }
    await reader.read(padding);
  }
}

/** Whether a file starts with gzip's magic bytes, whatever its name says. */
async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Unpacks a .tar, .tar.gz or .tgz into `destination`; only regular files and folders are written. */
export async function extractTar(archive: string, destination: string): Promise<string[]> {
  const raw = createReadStream(archive);
  const source: AsyncIterable<Buffer> = (await isGzip(archive)) ? raw.pipe(createGunzip()) : raw;
  const written: string[] = [];
  try {
    await readTar(source, async (entry, content) => {
      if (entry.path === '' || entry.type === 'other') return;
      const target = resolveInside(destination, entry.path);
      if (entry.type === 'directory') {
        await mkdir(target, { recursive: true });
        return;
      }
      await mkdir(path.dirname(target), { recursive: true });
      await pipeline(content, createWriteStream(target));
      written.push(entry.path);
    });
  } catch (error) {
    if (error instanceof RedubError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new RedubError('E_DISK_FULL', { message: 'The disk filled up while unpacking the archive.', cause: error });
    throw rejected(`The archive ${archive} cannot be read.`, [(error as Error).message]);
  } finally {
    raw.destroy();
  }
  return written;
}
