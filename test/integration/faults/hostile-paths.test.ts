// Hostile paths through the command line and the local API, as a fair but hostile tester tries
// them: /dev/zero, a FIFO, a folder, a socket and a 50 MB file as the subtitles, a translation, a
// glossary and a lip-sync file. Each is refused quickly with its own code; the server's memory
// stays flat and it keeps answering (before the fix, /dev/zero grew it by ~550 MB a second and a
// FIFO hung the request and then every later one). Then links planted where a job's files are
// must never lead the API to serve what they point at.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledSample, parseJson, runRedub, sampleDubArguments } from '../../helpers/cli.js';
import { startServe, type ServeProcess } from '../../helpers/serve-process.js';

const root = mkdtempSync(path.join(tmpdir(), 'redub-hostile-'));
const secret = 'TOP-SECRET-NOT-THE-JOBS';
let socketServer: Server;
const hostile: Record<string, { path: () => string; code: string }> = {
  '/dev/zero': { path: () => '/dev/zero', code: 'E_FILE_IS_DEVICE' },
  'a FIFO': { path: () => path.join(root, 'pipe.srt'), code: 'E_FILE_IS_FIFO' },
  'a folder': { path: () => path.join(root, 'folder.srt'), code: 'E_PATH_IS_FOLDER' },
  'a socket': { path: () => path.join(root, 's.srt'), code: 'E_FILE_IS_SOCKET' },
  'a 50 MB file': { path: () => path.join(root, 'huge.srt'), code: 'E_FILE_TOO_LARGE' },
};

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

describe.skipIf(process.platform !== 'linux')('hostile paths', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    execFileSync('mkfifo', [path.join(root, 'pipe.srt')]);
    mkdirSync(path.join(root, 'folder.srt'));
    writeFileSync(path.join(root, 'huge.srt'), '');
    truncateSync(path.join(root, 'huge.srt'), 50 * 1024 * 1024);
    writeFileSync(path.join(root, 'secret.txt'), secret);
    await new Promise<void>((resolve) => (socketServer = createServer().listen(path.join(root, 's.srt'), resolve)));
  });
  afterAll(() => {
    socketServer.close();
    rmSync(root, { recursive: true, force: true });
  });

  const dataDir = () => path.join(root, 'cli-data');
  const withFlags = (flags: string[]) => ['dub', bundledSample.video, '--to', 'es', '--out', path.join(root, 'out'), '--data-dir', dataDir(), '--json', ...flags];

  describe('through the command line', () => {
    for (const [name, { path: file, code }] of Object.entries(hostile)) {
      it(`refuses ${name} as subtitles, translation, glossary and lip-sync file with ${code}`, async () => {
        const cases: string[][] = [
          ['--subtitles', file(), '--translation', `es=${bundledSample.targetSubtitles}`],
          ['--subtitles', bundledSample.sourceSubtitles, '--translation', `es=${file()}`],
          ['--subtitles', bundledSample.sourceSubtitles, '--translation', `es=${bundledSample.targetSubtitles}`, '--glossary', file()],
          ['--subtitles', bundledSample.sourceSubtitles, '--translation', `es=${bundledSample.targetSubtitles}`, '--lipsync', file()],
        ];
        for (const flags of cases) {
          const started = Date.now();
          const result = await runRedub(withFlags(flags));
          expect(result.code, `${flags.join(' ')}: ${result.stdout}`).toBe(3);
          expect(parseJson<{ error: { code: string } }>(result).error.code).toBe(code);
          // A whole command, Node's start-up and a probe of the video included.
          expect(Date.now() - started).toBeLessThan(10_000);
        }
      });
    }

    it('refuses an output folder that takes no files (/proc/self) before queuing anything', async () => {
      const result = await runRedub([...sampleDubArguments(dataDir(), '/proc/self')]);
      expect(result.code).toBe(3);
      expect(parseJson<{ error: { code: string } }>(result).error.code).toBe('E_OUTPUT_NOT_WRITABLE');
    });
  });

  describe('through the local API', () => {
    let server: ServeProcess;
    beforeAll(async () => {
      server = await startServe(path.join(root, 'serve-data'));
    });
    afterAll(async () => {
      await server.stop();
    });

    const request = (overrides: Record<string, unknown>) => ({
      input: bundledSample.video, to: ['es'], subtitles: bundledSample.sourceSubtitles, translations: { es: bundledSample.targetSubtitles }, outDir: path.join(root, 'api-out'), ...overrides,
    });

    it('refuses each as subtitles or translation within a second, and stays small and responsive', async () => {
      const before = rssBytes(server.pid);
      for (const [name, { path: file, code }] of Object.entries(hostile)) {
        for (const overrides of [{ subtitles: file() }, { translations: { es: file() } }]) {
          const started = Date.now();
          const reply = await server.api('POST', 'jobs', request(overrides));
          expect(reply.status, name).toBe(422);
          expect((reply.json.error as { code: string }).code, name).toBe(code);
          expect(Date.now() - started, name).toBeLessThan(1000);
        }
      }
      // Nothing was read whole, and nothing is left waiting on the pipe: later requests answer.
      expect(rssBytes(server.pid) - before).toBeLessThan(64 * 1024 * 1024);
      const started = Date.now();
      expect((await server.api('GET', 'jobs')).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('never serves what a planted link points at: not for the dub, the download, nor the original', async () => {
      const inputDir = path.join(root, 'inputs');
      mkdirSync(inputDir);
      const input = path.join(inputDir, 'talk.mp4');
      copyFileSync(bundledSample.video, input);
      const outDir = path.join(root, 'linked-out');
      const created = await server.api('POST', 'jobs', request({ input, outDir }));
      expect(created.status).toBe(201);
      const id = (created.json.jobs as { id: string }[])[0]!.id;
      let job: { state: string; outputs: { video?: string } } = { state: 'queued', outputs: {} };
      for (const deadline = Date.now() + 120_000; job.state !== 'done'; ) {
        if (Date.now() > deadline || job.state === 'failed') throw new Error(`the job did not finish: ${job.state}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        job = (await server.api('GET', `jobs/${id}`)).json as typeof job;
      }
      const get = async (route: string) => {
        const response = await fetch(`${server.url}api/v1/jobs/${id}/${route}?token=${server.token}`);
        return { status: response.status, text: await response.text() };
      };
      expect((await get('download')).status).toBe(200);

      // The dubbed video swapped for a link to a file outside.
      const video = job.outputs.video!;
      rmSync(video);
      symlinkSync(path.join(root, 'secret.txt'), video);
      for (const route of ['download', 'media/dub']) {
        const reply = await get(route);
        expect(reply.status, route).toBe(403);
        expect(reply.text).not.toContain(secret);
      }
      // The output folder itself swapped for a link to a folder that holds a file of that name.
      rmSync(video);
      const decoy = path.join(root, 'decoy');
      mkdirSync(decoy);
      writeFileSync(path.join(decoy, path.basename(video)), secret);
      renameSync(outDir, `${outDir}-moved`);
      symlinkSync(decoy, outDir);
      expect((await get('download')).status).toBe(403);
      // The original swapped for a link.
      rmSync(input);
      symlinkSync(path.join(root, 'secret.txt'), input);
      const original = await get('media/original');
      expect(original.status).toBe(403);
      expect(original.text).not.toContain(secret);
    });
  });
});
