// Hostile paths as a file the user names: each is refused before anything waits on it or reads
// it whole, with its own code, in well under a second.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, truncateSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkInputFile, readInputFile, readInputFileSync, type InputFileKind } from '../../../src-main/core/files/input-files.js';
import { rejectionOf } from '../../helpers/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const posix = process.platform !== 'win32';
const temporaryDirectory = useTemporaryDirectory('redub-inputs-');
const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((server) => server.close()));

interface Hostile {
  name: string;
  code: string;
  make(): Promise<string> | string;
}

const hostile: Hostile[] = [
  { name: '/dev/zero (a device that never ends)', code: 'E_FILE_IS_DEVICE', make: () => '/dev/zero' },
  {
    name: 'a named pipe no one writes to',
    code: 'E_FILE_IS_FIFO',
    make: () => {
      const fifo = path.join(temporaryDirectory(), `pipe-${Math.random()}.srt`);
      execFileSync('mkfifo', [fifo]);
      return fifo;
    },
  },
  {
    name: 'a folder',
    code: 'E_PATH_IS_FOLDER',
    make: () => {
      const folder = path.join(temporaryDirectory(), `folder-${Math.random()}.srt`);
      mkdirSync(folder);
      return folder;
    },
  },
  {
    name: 'a Unix socket',
    code: 'E_FILE_IS_SOCKET',
    make: () =>
      new Promise((resolve) => {
        const socketPath = path.join(temporaryDirectory(), `s-${Math.random().toString(36).slice(2, 8)}.srt`);
        const server = createServer().listen(socketPath, () => resolve(socketPath));
        servers.push(server);
      }),
  },
  {
    name: 'a 50 MB file',
    code: 'E_FILE_TOO_LARGE',
    make: () => {
      const file = path.join(temporaryDirectory(), `huge-${Math.random()}.srt`);
      writeFileSync(file, '');
      truncateSync(file, 50 * 1024 * 1024);
      return file;
    },
  },
];

const kinds: InputFileKind[] = ['subtitles', 'translation', 'glossary', 'lipsync'];

describe.skipIf(!posix)('reading a file the user names', () => {
  for (const { name, code, make } of hostile) {
    it.each(kinds)(`refuses ${name} as a %s file with ${code}, at once`, async (kind) => {
      const file = await make();
      const started = Date.now();
      const error = await rejectionOf(readInputFile(file, kind));
      expect(error.code).toBe(code);
      expect(error.message).toMatch(/file|folder|pipe|device|socket/);
      expect(() => readInputFileSync(file, kind)).toThrow(expect.objectContaining({ code }));
      expect(Date.now() - started).toBeLessThan(1000);
    });
  }

  it('reads a regular file whole, and a link to one (the link is the user\'s own choice)', async () => {
    const file = path.join(temporaryDirectory(), 'talk.srt');
    writeFileSync(file, '1\n00:00:01,000 --> 00:00:02,000\nHello\n');
    execFileSync('ln', ['-s', file, path.join(temporaryDirectory(), 'link.srt')]);
    expect((await readInputFile(file, 'subtitles')).toString()).toContain('Hello');
    expect((await readInputFile(path.join(temporaryDirectory(), 'link.srt'), 'subtitles')).toString()).toContain('Hello');
    expect(checkInputFile(file, 'subtitles').size).toBeGreaterThan(0);
  });

  it('refuses a link to /dev/zero as the device it leads to', async () => {
    const link = path.join(temporaryDirectory(), 'zero.srt');
    execFileSync('ln', ['-sf', '/dev/zero', link]);
    expect((await rejectionOf(readInputFile(link, 'subtitles'))).code).toBe('E_FILE_IS_DEVICE');
  });

  it('names a missing file with the code of its kind', async () => {
    const missing = path.join(temporaryDirectory(), 'nope');
    expect((await rejectionOf(readInputFile(missing, 'subtitles'))).code).toBe('E_SUBTITLES_MISSING');
    expect((await rejectionOf(readInputFile(missing, 'glossary'))).code).toBe('E_GLOSSARY_FILE');
    expect((await rejectionOf(readInputFile(missing, 'lipsync'))).code).toBe('E_LIPSYNC_FILE');
  });

  it('honours a smaller limit, and refuses a read that takes longer than its time limit', async () => {
    const file = path.join(temporaryDirectory(), 'small.srt');
    writeFileSync(file, 'x'.repeat(2000));
    expect((await rejectionOf(readInputFile(file, 'subtitles', { maxBytes: 1000 }))).code).toBe('E_FILE_TOO_LARGE');
    expect((await rejectionOf(readInputFile(file, 'subtitles', { timeoutMs: 0 }))).code).toBe('E_FILE_READ_TIMEOUT');
  });
});
