// Runs eSpeak NG's own command line, compiled to WebAssembly (npm `espeak-ng`, GPL-3.0-or-later,
// eSpeak NG 1.52 with its voice data embedded in the module), as if each run were a new process:
// the module is compiled and instantiated once, its memory as it stands after start-up is kept,
// and every run starts from that memory again. So a line is spoken the same whatever was said
// before it (eSpeak NG keeps state between utterances), the voice variants that draw on a random
// generator get the same seed every run (it is seeded from the clock, which reads a fixed time
// here), and a run costs the synthesis and a copy of the memory eSpeak writes (about 15 MB).
//
// Redub answers the module's few system calls itself (espeak-wasm-files.ts) instead of using
// Emscripten's JavaScript runtime that ships beside it: that runtime is a debug build whose file
// system setup alone takes a quarter of a second, on every start.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { EspeakFiles } from './espeak-wasm-files.js';

export interface EspeakRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** What the C program gets from its environment: Emscripten's defaults, with the data path eSpeak NG reads first. */
const environment = [
  'USER=web_user', 'LOGNAME=web_user', 'PATH=/', 'PWD=/', 'HOME=/home/web_user', 'LANG=C.UTF-8', '_=./this.program',
  'ESPEAK_DATA_PATH=/usr/local/share',
];
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const encodedEnvironment = environment.map((entry) => encoder.encode(`${entry}\0`));
/** A fixed clock: eSpeak NG seeds its random generator from the time. */
const fixedTimeMilliseconds = 0;
const pageSize = 65_536;

class ExitSignal {
  constructor(readonly code: number) {}
}

interface EspeakExports {
  memory: WebAssembly.Memory;
  __wasm_call_ctors(): void;
  emscripten_stack_init(): void;
  stackSave(): number;
  stackRestore(pointer: number): void;
  stackAlloc(size: number): number;
  fflush(stream: number): number;
  __main_argc_argv(count: number, pointers: number): number;
}

/** The module file from the `espeak-ng` package. */
export function espeakWasmPath(): string {
  return createRequire(import.meta.url).resolve('espeak-ng/dist/espeak-ng.wasm');
}

export class EspeakWasm {
  private readonly files: EspeakFiles;
  private exports!: EspeakExports;
  /** The memory after start-up, outside the embedded files (which nothing writes). */
  private snapshotHead!: Uint8Array;
  private snapshotTail!: Uint8Array;
  private tailOffset = 0;
  private stackStart = 0;

  private constructor() {
    this.files = new EspeakFiles(() => new Uint8Array(this.exports.memory.buffer));
  }

  static async load(wasmPath = espeakWasmPath()): Promise<EspeakWasm> {
    const module = await WebAssembly.compile(await readFile(wasmPath));
    const host = new EspeakWasm();
    const instance = await WebAssembly.instantiate(module, host.imports());
    host.exports = instance.exports as unknown as EspeakExports;
    host.exports.emscripten_stack_init();
    host.exports.__wasm_call_ctors();
    host.stackStart = host.exports.stackSave();
    const memory = new Uint8Array(host.exports.memory.buffer);
    const start = Math.min(host.files.embeddedStart, memory.length);
    const end = Math.max(start, host.files.embeddedEnd);
    host.snapshotHead = memory.slice(0, start);
    host.snapshotTail = memory.slice(end);
    host.tailOffset = end;
    return host;
  }

  /**
   * Runs `espeak-ng <args>` from a fresh start, with `inputs` as files it can read; `outputs`
   * names the files to hand back (null where the run wrote none). Throws only what is not the
   * program's own failure (a trap: out of memory, a fault).
   */
  run(args: readonly string[], inputs: Record<string, Uint8Array> = {}, outputs: readonly string[] = []): EspeakRunResult & { files: Record<string, Uint8Array | null> } {
    this.restore();
    for (const [path, contents] of Object.entries(inputs)) this.files.give(path, contents);
    const exports = this.exports;
    const argv = ['espeak-ng', ...args];
    const pointers = argv.map((argument) => {
      const bytes = encoder.encode(`${argument}\0`);
      const pointer = exports.stackAlloc(bytes.length);
      new Uint8Array(exports.memory.buffer).set(bytes, pointer);
      return pointer;
    });
    const table = exports.stackAlloc(4 * (pointers.length + 1));
    const words = new Uint32Array(exports.memory.buffer, table, pointers.length + 1);
    pointers.forEach((pointer, index) => (words[index] = pointer));
    words[pointers.length] = 0;
    let exitCode: number;
    try {
      exitCode = exports.__main_argc_argv(argv.length, table);
    } catch (error) {
      if (!(error instanceof ExitSignal)) throw error;
      exitCode = error.code;
    }
    // Output still in the C library's buffers (stdout is not a terminal, so fully buffered).
    exports.fflush(0);
    const files: Record<string, Uint8Array | null> = {};
    for (const path of outputs) files[path] = this.files.take(path);
    return { exitCode, stdout: decoder.decode(this.files.output(1)), stderr: decoder.decode(this.files.output(2)), files };
  }

  private restore(): void {
    const memory = new Uint8Array(this.exports.memory.buffer);
    memory.set(this.snapshotHead, 0);
    memory.set(this.snapshotTail, this.tailOffset);
    this.exports.stackRestore(this.stackStart);
    this.files.reset();
  }

  private imports(): WebAssembly.Imports {
    const files = this.files;
    const memory = (): Uint8Array => new Uint8Array(this.exports.memory.buffer);
    const view = (): DataView => new DataView(this.exports.memory.buffer);
    const text = (pointer: number): string => {
      const bytes = memory();
      let end = pointer;
      while (bytes[end] !== 0) end++;
      return decoder.decode(bytes.subarray(pointer, end));
    };
    /** A path relative to a directory descriptor; eSpeak NG only ever passes AT_FDCWD (-100) or absolute paths. */
    const at = (directory: number, pointer: number): string => {
      const path = text(pointer);
      if (directory === -100 || path.startsWith('/')) return path;
      return `/${path}`;
    };
    const eachVector = (vectors: number, count: number, call: (pointer: number, length: number) => number): number => {
      const data = view();
      let total = 0;
      for (let index = 0; index < count; index++) {
        const pointer = data.getUint32(vectors + index * 8, true);
        const length = data.getUint32(vectors + index * 8 + 4, true);
        const done = call(pointer, length);
        if (done < 0) return done;
        total += done;
        if (done < length) break;
      }
      return total;
    };
    const env = {
      __assert_fail: (condition: number, file: number, line: number) => {
        throw new Error(`eSpeak NG failed an assertion: ${text(condition)} (${text(file)}:${line}).`);
      },
      exit: (code: number) => {
        throw new ExitSignal(code);
      },
      emscripten_memcpy_js: (target: number, source: number, length: number) => {
        memory().copyWithin(target, source, source + length);
      },
      emscripten_date_now: () => fixedTimeMilliseconds,
      _emscripten_get_now_is_monotonic: () => 1,
      emscripten_get_now: () => performance.now(),
      emscripten_resize_heap: (requested: number) => {
        const current = this.exports.memory.buffer.byteLength;
        if (requested <= current) return 1;
        try {
          this.exports.memory.grow(Math.ceil((requested - current) / pageSize));
          return 1;
        } catch {
          return 0;
        }
      },
      _emscripten_fs_load_embedded_files: (table: number) => {
        const data = view();
        let entry = table;
        do {
          const name = data.getUint32(entry, true);
          const length = data.getUint32(entry + 4, true);
          const contents = data.getUint32(entry + 8, true);
          files.addEmbedded(text(name), contents, length);
          entry += 12;
        } while (data.getUint32(entry, true) !== 0);
      },
      __syscall_openat: (directory: number, path: number, flags: number) => files.openAt(at(directory, path), flags),
      __syscall_fcntl64: (descriptor: number, command: number) => {
        if (!files.isOpen(descriptor)) return -8;
        // F_GETFD, F_SETFD, F_GETFL, F_SETFL: nothing to keep; others are not used by eSpeak NG.
        return command >= 1 && command <= 4 ? 0 : -28;
      },
      // Nothing is a terminal.
      __syscall_ioctl: () => -59,
      __syscall_getdents64: (descriptor: number, target: number, size: number) => files.readDirectory(descriptor, target, size),
      __syscall_unlinkat: (directory: number, path: number) => files.unlink(at(directory, path)),
      __syscall_rmdir: () => -63,
      __syscall_fstat64: (descriptor: number, target: number) => files.statOpen(descriptor, target),
      __syscall_stat64: (path: number, target: number) => files.stat(text(path), target),
      __syscall_lstat64: (path: number, target: number) => files.stat(text(path), target),
      __syscall_newfstatat: (directory: number, path: number, target: number, flags: number) => {
        const name = text(path);
        // AT_EMPTY_PATH: the descriptor itself.
        if (name === '' && (flags & 0x1000) !== 0) return files.statOpen(directory, target);
        return files.stat(at(directory, path), target);
      },
    };
    const wasi = {
      fd_close: (descriptor: number) => files.close(descriptor),
      fd_write: (descriptor: number, vectors: number, count: number, written: number) => {
        const total = eachVector(vectors, count, (pointer, length) => files.write(descriptor, pointer, length));
        if (total < 0) return -total;
        view().setUint32(written, total, true);
        return 0;
      },
      fd_read: (descriptor: number, vectors: number, count: number, read: number) => {
        const total = eachVector(vectors, count, (pointer, length) => files.read(descriptor, pointer, length));
        if (total < 0) return -total;
        view().setUint32(read, total, true);
        return 0;
      },
      fd_seek: (descriptor: number, low: number, high: number, whence: number, position: number) => {
        const result = files.seek(descriptor, high * 4_294_967_296 + (low >>> 0), whence);
        if (result < 0) return -result;
        view().setBigInt64(position, BigInt(result), true);
        return 0;
      },
      environ_sizes_get: (count: number, size: number) => {
        const data = view();
        data.setUint32(count, environment.length, true);
        data.setUint32(size, encodedEnvironment.reduce((sum, entry) => sum + entry.length, 0), true);
        return 0;
      },
      environ_get: (pointers: number, buffer: number) => {
        const data = view();
        const bytes = memory();
        let at = buffer;
        encodedEnvironment.forEach((entry, index) => {
          data.setUint32(pointers + index * 4, at, true);
          bytes.set(entry, at);
          at += entry.length;
        });
        return 0;
      },
    };
    return { env, wasi_snapshot_preview1: wasi };
  }
}
