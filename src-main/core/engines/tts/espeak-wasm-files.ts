// The files eSpeak NG's WebAssembly build sees (espeak-wasm.ts runs it): its own data
// (espeak-ng-data, embedded in the module's memory by Emscripten and read from there in place,
// never copied), and the files one run writes or is given, kept in this process's memory. Calls
// answer as the C library's system calls do: a count or 0, or an errno (negative for the
// __syscall_* ones, as their callers expect).

/** WASI's errno numbers, which Emscripten's C library uses. */
export const errno = {
  EACCES: 2,
  EBADF: 8,
  EEXIST: 20,
  EINVAL: 28,
  EISDIR: 31,
  ENOENT: 44,
  ENOTDIR: 54,
  ENOTTY: 59,
  EPERM: 63,
  ESPIPE: 70,
} as const;

const openFlags = { accessMode: 3, create: 0o100, exclusive: 0o200, truncate: 0o1000, append: 0o2000, directory: 0o200000 } as const;
const modeDirectory = 0o040000 | 0o555;
const modeEmbedded = 0o100000 | 0o444;
const modeWritten = 0o100000 | 0o644;
/** Emscripten's struct dirent: ino, off, reclen, type, a 256-byte name, padded to 280. */
const directoryEntrySize = 280;

class FileError extends Error {
  constructor(readonly code: number) {
    super(`errno ${code}`);
  }
}

/** A file one run wrote (or was given): bytes that grow as they are written. */
class WrittenFile {
  bytes = new Uint8Array(0);
  length = 0;

  write(source: Uint8Array, at: number): void {
    const end = at + source.length;
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.bytes.length * 2, 4096));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(source, at);
    this.length = Math.max(this.length, end);
  }

  contents(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

interface EmbeddedFile {
  /** Where the file's bytes lie in the module's memory. */
  offset: number;
  length: number;
}

type Open =
  | { kind: 'embedded'; path: string; file: EmbeddedFile; position: number }
  | { kind: 'written'; path: string; file: WrittenFile; position: number; writable: boolean; append: boolean }
  | { kind: 'directory'; path: string; entries: string[]; position: number }
  | { kind: 'output'; chunks: Uint8Array[] };

export function normalizePath(path: string, base = '/'): string {
  const parts: string[] = [];
  for (const part of (path.startsWith('/') ? path : `${base}/${path}`).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

function parentOf(path: string): string {
  return path.slice(0, Math.max(1, path.lastIndexOf('/')));
}

export class EspeakFiles {
  private readonly embedded = new Map<string, EmbeddedFile>();
  /** Each directory's entries, in the order the module embedded them. */
  private readonly directories = new Map<string, Set<string>>([['/', new Set()]]);
  private written = new Map<string, WrittenFile>();
  private open = new Map<number, Open>();

  /** The embedded files' span in memory, which nothing writes (memory outside it is restored between runs). */
  embeddedStart = Number.POSITIVE_INFINITY;
  embeddedEnd = 0;

  constructor(private readonly memory: () => Uint8Array) {
    this.reset();
  }

  addEmbedded(path: string, offset: number, length: number): void {
    const normal = normalizePath(path);
    this.embedded.set(normal, { offset, length });
    this.addToDirectory(normal);
    this.embeddedStart = Math.min(this.embeddedStart, offset);
    this.embeddedEnd = Math.max(this.embeddedEnd, offset + length);
  }

  /** Back to no open files and no written ones, but for stdin/stdout/stderr: each run starts as a new process. */
  reset(): void {
    this.written = new Map();
    this.open = new Map<number, Open>([
      [0, { kind: 'output', chunks: [] }],
      [1, { kind: 'output', chunks: [] }],
      [2, { kind: 'output', chunks: [] }],
    ]);
  }

  give(path: string, contents: Uint8Array): void {
    const file = new WrittenFile();
    file.write(contents, 0);
    this.written.set(normalizePath(path), file);
  }

  /** A file the run wrote, or null. */
  take(path: string): Uint8Array | null {
    return this.written.get(normalizePath(path))?.contents() ?? null;
  }

  /** What the run wrote to a standard stream (1 stdout, 2 stderr). */
  output(descriptor: 1 | 2): Uint8Array {
    const open = this.open.get(descriptor);
    if (open?.kind !== 'output') return new Uint8Array(0);
    const total = open.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const joined = new Uint8Array(total);
    let at = 0;
    for (const chunk of open.chunks) {
      joined.set(chunk, at);
      at += chunk.length;
    }
    return joined;
  }

  openAt(path: string, flags: number): number {
    return this.answer(() => {
      const normal = normalizePath(path);
      const wantsDirectory = (flags & openFlags.directory) !== 0;
      const writes = (flags & openFlags.accessMode) !== 0;
      const directory = this.directories.get(normal);
      if (directory) {
        if (writes) throw new FileError(errno.EISDIR);
        return this.allocate({ kind: 'directory', path: normal, entries: ['.', '..', ...directory], position: 0 });
      }
      if (wantsDirectory && (this.embedded.has(normal) || this.written.has(normal))) throw new FileError(errno.ENOTDIR);
      const embedded = this.embedded.get(normal);
      if (embedded) {
        if (writes) throw new FileError(errno.EACCES);
        return this.allocate({ kind: 'embedded', path: normal, file: embedded, position: 0 });
      }
      let file = this.written.get(normal);
      if (file && (flags & openFlags.create) !== 0 && (flags & openFlags.exclusive) !== 0) throw new FileError(errno.EEXIST);
      if (!file) {
        if ((flags & openFlags.create) === 0) throw new FileError(errno.ENOENT);
        if (this.embedded.has(parentOf(normal))) throw new FileError(errno.ENOTDIR);
        file = new WrittenFile();
        this.written.set(normal, file);
      }
      if ((flags & openFlags.truncate) !== 0 && writes) file.length = 0;
      return this.allocate({ kind: 'written', path: normal, file, position: 0, writable: writes, append: (flags & openFlags.append) !== 0 });
    });
  }

  close(descriptor: number): number {
    if (!this.open.has(descriptor)) return errno.EBADF;
    if (descriptor > 2) this.open.delete(descriptor);
    return 0;
  }

  /** Reads into memory at `target`; the count read, or a negative errno. */
  read(descriptor: number, target: number, length: number): number {
    return this.answer(() => {
      const open = this.get(descriptor);
      if (open.kind === 'output') return 0;
      if (open.kind === 'directory') throw new FileError(errno.EISDIR);
      const memory = this.memory();
      if (open.kind === 'embedded') {
        const count = Math.max(0, Math.min(length, open.file.length - open.position));
        const from = open.file.offset + open.position;
        memory.copyWithin(target, from, from + count);
        open.position += count;
        return count;
      }
      const count = Math.max(0, Math.min(length, open.file.length - open.position));
      memory.set(open.file.bytes.subarray(open.position, open.position + count), target);
      open.position += count;
      return count;
    });
  }

  write(descriptor: number, source: number, length: number): number {
    return this.answer(() => {
      const open = this.get(descriptor);
      const bytes = this.memory().slice(source, source + length);
      if (open.kind === 'output') {
        open.chunks.push(bytes);
        return length;
      }
      if (open.kind !== 'written' || !open.writable) throw new FileError(errno.EBADF);
      if (open.append) open.position = open.file.length;
      open.file.write(bytes, open.position);
      open.position += length;
      return length;
    });
  }

  /** The new position, or a negative errno. */
  seek(descriptor: number, offset: number, whence: number): number {
    return this.answer(() => {
      const open = this.get(descriptor);
      if (open.kind === 'output') throw new FileError(errno.ESPIPE);
      const size = open.kind === 'directory' ? open.entries.length * directoryEntrySize : open.file.length;
      const base = whence === 0 ? 0 : whence === 1 ? open.position : whence === 2 ? size : Number.NaN;
      const position = base + offset;
      if (!Number.isFinite(position) || position < 0) throw new FileError(errno.EINVAL);
      open.position = position;
      return position;
    });
  }

  /** Fills a struct stat at `target` (Emscripten's layout); 0 or a negative errno. */
  stat(path: string, target: number): number {
    return this.answer(() => this.fillStat(normalizePath(path), target));
  }

  statOpen(descriptor: number, target: number): number {
    return this.answer(() => {
      const open = this.get(descriptor);
      if (open.kind === 'output') return this.writeStat(target, 0o020000 | 0o666, 0, 0);
      return this.fillStat(open.path, target);
    });
  }

  /** Fills `target` with as many directory entries as fit in `size` bytes; the bytes filled or a negative errno. */
  readDirectory(descriptor: number, target: number, size: number): number {
    return this.answer(() => {
      const open = this.get(descriptor);
      if (open.kind !== 'directory') throw new FileError(errno.ENOTDIR);
      const memory = this.memory();
      const view = new DataView(memory.buffer);
      const encoder = new TextEncoder();
      let index = Math.floor(open.position / directoryEntrySize);
      let filled = 0;
      while (index < open.entries.length && filled + directoryEntrySize <= size) {
        const name = open.entries[index]!;
        const at = target + filled;
        const child = name === '.' ? open.path : name === '..' ? parentOf(open.path) : normalizePath(name, open.path);
        view.setBigUint64(at, BigInt(this.inode(child)), true);
        view.setBigInt64(at + 8, BigInt((index + 1) * directoryEntrySize), true);
        view.setUint16(at + 16, directoryEntrySize, true);
        view.setUint8(at + 18, this.directories.has(child) ? 4 : 8);
        const encoded = encoder.encode(name).subarray(0, 255);
        memory.set(encoded, at + 19);
        memory[at + 19 + encoded.length] = 0;
        filled += directoryEntrySize;
        index++;
      }
      open.position = index * directoryEntrySize;
      return filled;
    });
  }

  unlink(path: string): number {
    const normal = normalizePath(path);
    if (this.written.delete(normal)) return 0;
    return -(this.embedded.has(normal) || this.directories.has(normal) ? errno.EPERM : errno.ENOENT);
  }

  isOpen(descriptor: number): boolean {
    return this.open.has(descriptor);
  }

  private fillStat(path: string, target: number): number {
    if (this.directories.has(path)) return this.writeStat(target, modeDirectory, 4096, this.inode(path));
    const embedded = this.embedded.get(path);
    if (embedded) return this.writeStat(target, modeEmbedded, embedded.length, this.inode(path));
    const written = this.written.get(path);
    if (written) return this.writeStat(target, modeWritten, written.length, this.inode(path));
    throw new FileError(errno.ENOENT);
  }

  private writeStat(target: number, mode: number, size: number, inode: number): number {
    const view = new DataView(this.memory().buffer);
    for (let at = 0; at < 96; at += 4) view.setUint32(target + at, 0, true);
    view.setInt32(target + 4, mode, true);
    view.setUint32(target + 8, 1, true);
    view.setBigInt64(target + 24, BigInt(size), true);
    view.setInt32(target + 32, 4096, true);
    view.setInt32(target + 36, Math.ceil(size / 512), true);
    view.setBigInt64(target + 88, BigInt(inode), true);
    return 0;
  }

  /** A stable, nonzero inode number per path (only equality matters to the C library). */
  private inode(path: string): number {
    let hash = 2166136261;
    for (let index = 0; index < path.length; index++) hash = Math.imul(hash ^ path.charCodeAt(index), 16777619);
    return (hash >>> 0) || 1;
  }

  private addToDirectory(path: string): void {
    let child = path;
    while (child !== '/') {
      const parent = parentOf(child);
      let entries = this.directories.get(parent);
      if (!entries) {
        entries = new Set();
        this.directories.set(parent, entries);
      }
      entries.add(child.slice(child.lastIndexOf('/') + 1));
      child = parent;
    }
  }

  private get(descriptor: number): Open {
    const open = this.open.get(descriptor);
    if (!open) throw new FileError(errno.EBADF);
    return open;
  }

  private allocate(open: Open): number {
    let descriptor = 3;
    while (this.open.has(descriptor)) descriptor++;
    this.open.set(descriptor, open);
    return descriptor;
  }

  /** Runs a call, turning a FileError into its negative errno. */
  private answer(call: () => number): number {
    try {
      return call();
    } catch (error) {
      if (error instanceof FileError) return -error.code;
      throw error;
    }
  }
}
