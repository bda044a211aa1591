// `redub dub <url>` against a local HTTP server: a direct file whose connection drops half way
// (resumed, dubbed), a 404, something that is not media, a file over the size limit, and a page
// URL with and without yt-dlp on the PATH (a stand-in yt-dlp that writes the video it is asked for).
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledSample, parseJson, runRedub, type DubJson } from '../helpers/cli.js';
import { useTemporaryDirectory } from '../helpers/temporary-directory.js';

const video = readFileSync(bundledSample.video);

/** Serves the sample video with ranges; the first full request for /drop.mp4 is cut after a third. */
function startMediaServer(): Promise<{ server: Server; origin: string; requests: string[] }> {
  const requests: string[] = [];
  let dropped = false;
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(`${req.method} ${url} ${req.headers.range ?? ''}`.trim());
    if (url === '/page') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>A video page</title>');
      return;
    }
    if (url === '/notes.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('These are meeting notes, not a video.\n'.repeat(50));
      return;
    }
    if (url !== '/talk.mp4' && url !== '/drop.mp4') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not here');
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Math.min(Number(range[2]), video.length - 1) : video.length - 1;
    const body = video.subarray(start, end + 1);
    res.writeHead(range ? 206 : 200, { 'content-type': 'video/mp4', 'accept-ranges': 'bytes', 'content-length': body.length, ...(range ? { 'content-range': `bytes ${start}-${end}/${video.length}` } : {}) });
    if (url === '/drop.mp4' && !dropped && body.length > 1000) {
      dropped = true;
      res.write(body.subarray(0, Math.floor(body.length / 3)));
      setTimeout(() => res.destroy(), 50);
      return;
    }
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests })));
}

describe('redub dub <url>', { timeout: 180_000 }, () => {
  const temporary = useTemporaryDirectory('redub-url-import-');
  let media: Awaited<ReturnType<typeof startMediaServer>>;

  beforeAll(async () => {
    media = await startMediaServer();
  });
  afterAll(() => new Promise<void>((resolve) => media.server.close(() => resolve())));

  const dub = (url: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) =>
    runRedub(['dub', url, '--to', 'es', '--subtitles', bundledSample.sourceSubtitles, '--translation', `es=${bundledSample.targetSubtitles}`, '--out', path.join(temporary(), 'out'), '--data-dir', path.join(temporary(), 'data'), '--json', ...extra], env);

  it('downloads a direct media URL, resuming after the connection drops, and dubs it', async () => {
    const result = await dub(`${media.origin}/drop.mp4`);
    expect(result.code, result.stderr).toBe(0);
    const job = parseJson<DubJson>(result).jobs[0]!;
    expect(job.state).toBe('done');
    expect(job.stages[0]).toMatchObject({ name: 'download', state: 'done' });
    // The second request asked for the bytes after what had arrived.
    expect(media.requests.some((line) => /^GET \/drop\.mp4 bytes=[1-9]\d*-$/.test(line))).toBe(true);
    const downloaded = job.input;
    expect(statSync(downloaded).size).toBe(video.length);
    expect(readFileSync(downloaded).equals(video)).toBe(true);
    expect(statSync(job.outputs.video!).size).toBeGreaterThan(0);
    const logs = parseJson<{ logs: { message: string }[] }>(await runRedub(['jobs', 'logs', job.id, '--data-dir', path.join(temporary(), 'data'), '--json'])).logs;
    expect(logs.some((line) => line.message.startsWith(`Downloaded ${media.origin}/drop.mp4`) && line.message.includes('resumed'))).toBe(true);

    // The same URL again is the same job: found, not downloaded again.
    const again = await dub(`${media.origin}/drop.mp4`);
    expect(parseJson<DubJson>(again).jobs[0]!.id).toBe(job.id);
    // Deleting the last job of a URL removes its download.
    const deleted = await runRedub(['jobs', 'delete', job.id, '--data-dir', path.join(temporary(), 'data'), '--json']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(existsSync(path.dirname(downloaded))).toBe(false);
  });

  it('refuses a URL with nothing behind it, and one over the size limit, before queuing', async () => {
    const missing = await dub(`${media.origin}/gone.mp4`);
    expect(missing.code).toBe(3);
    expect(parseJson<DubJson>(missing).error).toMatchObject({ code: 'E_URL_NOT_FOUND' });
    const large = await dub(`${media.origin}/talk.mp4`, ['--max-size-mb', '0.01']);
    expect(large.code).toBe(3);
    expect(parseJson<DubJson>(large).error).toMatchObject({ code: 'E_INPUT_TOO_LARGE' });
    const bad = await dub('ftp://127.0.0.1/talk.mp4');
    expect(bad.code).toBe(2);
    expect(parseJson<DubJson>(bad).error).toMatchObject({ code: 'E_URL_INVALID' });
  });

  it('gives a URL that is not media the same error a file gets', async () => {
    const result = await dub(`${media.origin}/notes.txt`);
    // Found once the job ran (as a video without speech is): a failed job, exit 4.
    expect(result.code).toBe(4);
    const job = parseJson<DubJson>(result).jobs[0]!;
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ code: 'E_NOT_MEDIA' });
  });

  it('refuses a page URL without yt-dlp on the PATH, and downloads it with yt-dlp when there is one', async () => {
    const withoutYtDlp = await dub(`${media.origin}/page`, [], { PATH: path.dirname(process.execPath) });
    expect(withoutYtDlp.code).toBe(3);
    expect(parseJson<DubJson>(withoutYtDlp).error).toMatchObject({ code: 'E_URL_IMPORT_UNAVAILABLE', action: expect.stringContaining('yt-dlp') });

    // A stand-in yt-dlp: writes the sample where -o says, printing progress as the real one does.
    const bin = path.join(temporary(), 'bin');
    mkdirSync(bin, { recursive: true });
    const program = path.join(bin, 'yt-dlp');
    writeFileSync(program, `#!/bin/sh\nout=""\nwhile [ $# -gt 0 ]; do if [ "$1" = "-o" ]; then out="$2"; shift; fi; shift; done\necho "[download]  50.0% of 1MiB"\ncp "${bundledSample.video}" "$out"\necho "[download] 100.0% of 1MiB"\n`);
    chmodSync(program, 0o755);
    const result = await dub(`${media.origin}/page`, [], { PATH: `${bin}${path.delimiter}${process.env.PATH}` });
    expect(result.code, result.stderr).toBe(0);
    const job = parseJson<DubJson>(result).jobs[0]!;
    expect(job.state).toBe('done');
    expect(readFileSync(job.input).equals(video)).toBe(true);
  });
});
