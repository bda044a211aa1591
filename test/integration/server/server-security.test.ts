// The local API's defences against a hostile client on the same machine: the token (header, or
// ?token= on media and events only), path traversal on the static and the API routes, the Host
// check, and every kind of bad request answered with its 4xx and the API's error shape, never a
// 500 and never a file's contents. Workers are stalled: no job here needs to finish.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledSample } from '../../helpers/cli.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { StalledHost } from '../../unit/service/stalled-worker-host.js';
import { expectApiError, multipartBody, openEvents, send, startHarness, type Harness } from './server-harness.js';

const secret = 'TOP-SECRET-CONTENT';

describe('local API security', () => {
  const temporary = useTemporaryDirectory('redub-server-');
  let harness: Harness | null = null;

  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  async function start(options: { uploadLimitBytes?: number; withRenderer?: boolean } = {}) {
    const root = temporary();
    writeFileSync(path.join(root, 'secret.txt'), secret);
    const rendererDir = path.join(root, 'renderer');
    if (options.withRenderer !== false) {
      mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
      writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Redub app</title>');
      writeFileSync(path.join(rendererDir, 'assets', 'index-AbCdEf12.js'), 'console.log("app");');
    }
    harness = await startHarness(root, { workerHost: new StalledHost(), uploadLimitBytes: options.uploadLimitBytes, rendererDir });
    return harness;
  }

  async function pausedJob(h: Harness): Promise<string> {
    await send(h.port, { method: 'PUT', path: '/api/v1/queue', headers: { ...h.auth, 'Content-Type': 'application/json' }, body: '{"paused":true}' });
    const reply = await send(h.port, {
      method: 'POST', path: '/api/v1/jobs', headers: { ...h.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ input: bundledSample.video, to: ['es'], subtitles: bundledSample.sourceSubtitles, translations: { es: bundledSample.targetSubtitles }, outDir: path.join(temporary(), 'out') }),
    });
    expect(reply.status, reply.text).toBe(201);
    return reply.json<{ jobs: { id: string }[] }>().jobs[0]!.id;
  }

  it('answers /health without a token', async () => {
    const h = await start();
    for (const route of ['/health', '/api/v1/health']) {
      const reply = await send(h.port, { path: route });
      expect(reply.status).toBe(200);
      expect(reply.json()).toEqual({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/), storage: { ok: true, freeBytes: expect.any(Number), problem: null } });
    }
  });

  it('refuses the API without the token, with a wrong one, and with ?token= where only the header counts', async () => {
    const h = await start();
    expectApiError(await send(h.port, { path: '/api/v1/jobs' }), 401, 'E_UNAUTHORIZED');
    expectApiError(await send(h.port, { path: '/api/v1/jobs', headers: { Authorization: `Bearer ${'0'.repeat(64)}` } }), 401, 'E_UNAUTHORIZED');
    expectApiError(await send(h.port, { path: '/api/v1/jobs', headers: { Authorization: `Basic ${h.token}` } }), 401, 'E_UNAUTHORIZED');
    expectApiError(await send(h.port, { path: `/api/v1/jobs?token=${h.token}` }), 401, 'E_UNAUTHORIZED');
    expectApiError(await send(h.port, { path: '/metrics' }), 401, 'E_UNAUTHORIZED');
    expectApiError(await send(h.port, { path: '/api/v1/no-such-route' }), 401, 'E_UNAUTHORIZED');
    const ok = await send(h.port, { path: '/api/v1/jobs', headers: h.auth });
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ total: 0, jobs: [] });
  });

  it('takes ?token= on media and the event stream, which cannot send headers', async () => {
    const h = await start();
    const id = await pausedJob(h);
    expectApiError(await send(h.port, { path: `/api/v1/jobs/${id}/media/original` }), 401, 'E_UNAUTHORIZED');
    expectApiError(await send(h.port, { path: `/api/v1/jobs/${id}/media/original?token=wrong` }), 401, 'E_UNAUTHORIZED');
    const media = await send(h.port, { path: `/api/v1/jobs/${id}/media/original?token=${h.token}` });
    expect(media.status).toBe(200);
    expect(media.headers['content-type']).toBe('video/mp4');
    expect(media.headers['accept-ranges']).toBe('bytes');
    expect(media.body.equals(readFileSync(bundledSample.video))).toBe(true);
    const withHeader = await send(h.port, { path: `/api/v1/jobs/${id}/media/original`, headers: { ...h.auth, Range: 'bytes=10-19' } });
    expect(withHeader.status).toBe(206);
    expect(withHeader.body.equals(readFileSync(bundledSample.video).subarray(10, 20))).toBe(true);

    expectApiError(await send(h.port, { path: '/api/v1/events' }), 401, 'E_UNAUTHORIZED');
    const stream = await openEvents(h.port, `/api/v1/events?token=${h.token}`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    stream.close();
  });

  const traversals = [
    '/..%2f..%2fetc/passwd',
    '/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/..\\..\\etc\\passwd',
    '/..%5csecret.txt',
    '/%252e%252e/%252e%252e/etc/passwd',
    '/%252e%252e%252fsecret.txt',
    '/index.html%00',
    '/%c0%ae%c0%ae/secret.txt',
    '/api/v1/jobs/..%2F..%2Fetc%2Fpasswd/download',
    '/api/v1/jobs/..%2F..%2Fsecret.txt/media/original',
    '/api/v1/jobs/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/api/v1/jobs/../../etc/passwd',
    '/api/v1/../../secret.txt',
    '/api/v1/jobs/%252e%252e%252fsecret.txt/download',
  ];

  it.each(traversals)('never serves a file outside its folders for %s', async (attack) => {
    const h = await start();
    for (const headers of [{}, h.auth]) {
      const reply = await send(h.port, { path: attack, headers });
      expect(reply.status, `${attack} → ${reply.status} ${reply.text}`).toBeGreaterThanOrEqual(400);
      expect(reply.status).toBeLessThan(500);
      expect(reply.text).not.toContain(secret);
      expect(reply.text).not.toMatch(/root:.*:0:0:/);
    }
  });

  it('answers a malformed job id with 400 and an unknown one with 404', async () => {
    const h = await start();
    expectApiError(await send(h.port, { path: '/api/v1/jobs/not-a-uuid', headers: h.auth }), 400, 'E_BAD_REQUEST');
    expectApiError(await send(h.port, { path: '/api/v1/jobs/..%2F..%2Fetc%2Fpasswd/download', headers: h.auth }), 400, 'E_BAD_REQUEST');
    expectApiError(await send(h.port, { path: '/api/v1/jobs/%E0%A4%A', headers: h.auth }), 400, 'E_BAD_REQUEST');
    expectApiError(await send(h.port, { path: `/api/v1/jobs/${randomUUID()}`, headers: h.auth }), 404, 'E_JOB_NOT_FOUND');
    expectApiError(await send(h.port, { path: `/api/v1/jobs/${randomUUID()}/download`, headers: h.auth }), 404, 'E_JOB_NOT_FOUND');
  });

  it('answers malformed JSON, a wrong content type and schema failures with 400 and the fields', async () => {
    const h = await start();
    const json = { ...h.auth, 'Content-Type': 'application/json' };
    expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: json, body: '{"input": ' }), 400, 'E_BAD_REQUEST');
    expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: json, body: '' }), 400, 'E_BAD_REQUEST');
    expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: { ...h.auth, 'Content-Type': 'text/plain' }, body: '{}' }), 400, 'E_BAD_REQUEST');
    const invalid = await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: json, body: JSON.stringify({ input: '', to: [] }) });
    expectApiError(invalid, 400, 'E_BAD_REQUEST');
    expect(invalid.json<{ error: { details: string[] } }>().error.details).toEqual(expect.arrayContaining([expect.stringMatching(/^input: /), expect.stringMatching(/^to: /)]));
    expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: json, body: '[1,2]' }), 400, 'E_BAD_REQUEST');
    expectApiError(await send(h.port, { method: 'PUT', path: '/api/v1/queue', headers: json, body: '{"paused":"yes"}' }), 400, 'E_BAD_REQUEST');
    const typo = await send(h.port, { method: 'PATCH', path: '/api/v1/settings', headers: json, body: '{"maxspeed":1.2}' });
    expectApiError(typo, 400, 'E_BAD_REQUEST');
    expectApiError(await send(h.port, { method: 'PATCH', path: '/api/v1/settings', headers: json, body: '{"maxSpeed":7}' }), 400, 'E_BAD_REQUEST');
    expectApiError(await send(h.port, { path: '/api/v1/jobs?limit=abc', headers: h.auth }), 400, 'E_BAD_REQUEST');
    expectApiError(await send(h.port, { path: '/api/v1/jobs?state=sleeping', headers: h.auth }), 400, 'E_BAD_REQUEST');
    expectApiError(await send(h.port, { path: `/api/v1/jobs/${randomUUID()}/logs?afterId=-3`, headers: h.auth }), 400, 'E_BAD_REQUEST');
  });

  it('answers input a dub cannot use with 422, and a language it cannot speak with 4xx, never 500', async () => {
    const h = await start();
    const notes = path.join(temporary(), 'notes.mp4');
    writeFileSync(notes, 'These are meeting notes, not a video.\n');
    const json = { ...h.auth, 'Content-Type': 'application/json' };
    expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: json, body: JSON.stringify({ input: notes, to: ['es'] }) }), 422, 'E_NOT_MEDIA');
    expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: json, body: JSON.stringify({ input: path.join(temporary(), 'missing.mp4'), to: ['es'] }) }), 422, 'E_INPUT_MISSING');
    const noTranslation = await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: json, body: JSON.stringify({ input: bundledSample.video, to: ['es'] }) });
    expectApiError(noTranslation, 409, 'E_MODEL_MISSING');
    const badLanguage = await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: json, body: JSON.stringify({ input: bundledSample.video, to: ['e$'] }) });
    expect(badLanguage.status).toBe(400);
  });

  it('answers unknown routes with 404, wrong methods with 405, and a job not done with 409 on download', async () => {
    const h = await start();
    expectApiError(await send(h.port, { path: '/api/v1/nothing-here', headers: h.auth }), 404, 'E_ROUTE_NOT_FOUND');
    expectApiError(await send(h.port, { path: '/api/v2/jobs', headers: h.auth }), 404, 'E_ROUTE_NOT_FOUND');
    const wrongMethod = await send(h.port, { method: 'DELETE', path: '/api/v1/queue', headers: h.auth });
    expectApiError(wrongMethod, 405, 'E_METHOD_NOT_ALLOWED');
    expect(wrongMethod.headers.allow).toBe('GET, PUT, HEAD');
    expectApiError(await send(h.port, { method: 'POST', path: '/index.html' }), 405, 'E_METHOD_NOT_ALLOWED');
    const id = await pausedJob(h);
    expectApiError(await send(h.port, { path: `/api/v1/jobs/${id}/download`, headers: h.auth }), 409, 'E_NOT_READY');
    expectApiError(await send(h.port, { path: `/api/v1/jobs/${id}/media/dub?token=${h.token}` }), 409, 'E_NOT_READY');
    expect((await send(h.port, { path: `/api/v1/jobs/${id}/preview`, headers: h.auth })).json()).toEqual({ original: `/api/v1/jobs/${id}/media/original`, dub: null, mix: null, audio: {} });
    expectApiError(await send(h.port, { method: 'POST', path: `/api/v1/jobs/${id}/retry`, headers: h.auth }), 409, 'E_JOB_STATE');
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const h = await start();
    expectApiError(await send(h.port, { path: '/health', headers: { Host: 'evil.example' } }), 403, 'E_FORBIDDEN_HOST');
    expectApiError(await send(h.port, { path: '/', headers: { Host: `evil.example:${h.port}` } }), 403, 'E_FORBIDDEN_HOST');
    expect((await send(h.port, { path: '/health', headers: { Host: `localhost:${h.port}` } })).status).toBe(200);
  });

  it('refuses an upload over the limit with 413 and leaves no file behind', async () => {
    const h = await start({ uploadLimitBytes: 64 * 1024 });
    const form = multipartBody([
      { name: 'to', content: 'es' },
      { name: 'video', fileName: 'big.mp4', content: Buffer.alloc(256 * 1024, 7), type: 'video/mp4' },
    ]);
    // Several times over: the refusal races the file being opened, which must never make it a 500.
    for (let attempt = 0; attempt < 5; attempt++) {
      expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: { ...h.auth, ...form.headers }, body: form.body }), 413, 'E_UPLOAD_TOO_LARGE');
    }
    // Without a Content-Length the limit is enforced while the bytes arrive.
    const chunked = { ...form.headers, 'Transfer-Encoding': 'chunked' } as Record<string, string | number>;
    delete chunked['Content-Length'];
    expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: { ...h.auth, ...chunked }, body: form.body }), 413, 'E_UPLOAD_TOO_LARGE');
    // A declared length far over the limit is refused before any byte is stored.
    const huge = multipartBody([{ name: 'to', content: 'es' }, { name: 'video', fileName: 'huge.mp4', content: Buffer.alloc(2 * 1024 * 1024, 1) }]);
    expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: { ...h.auth, ...huge.headers }, body: huge.body }), 413, 'E_UPLOAD_TOO_LARGE');
    const uploads = path.join(h.dataDir, 'uploads');
    expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([]);
  });

  it('keeps an accepted upload under uploads/<uuid>/ with safe names, and removes a refused one', async () => {
    const h = await start();
    await send(h.port, { method: 'PUT', path: '/api/v1/queue', headers: { ...h.auth, 'Content-Type': 'application/json' }, body: '{"paused":true}' });
    const noVideo = multipartBody([{ name: 'to', content: 'es' }, { name: 'subtitles', fileName: 'a.srt', content: readFileSync(bundledSample.sourceSubtitles) }]);
    expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: { ...h.auth, ...noVideo.headers }, body: noVideo.body }), 400, 'E_BAD_REQUEST');
    const notVideo = multipartBody([{ name: 'to', content: 'es' }, { name: 'video', fileName: 'notes.mp4', content: 'not a video' }]);
    expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: { ...h.auth, ...notVideo.headers }, body: notVideo.body }), 422, 'E_NOT_MEDIA');
    const uploads = path.join(h.dataDir, 'uploads');
    expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([]);

    const form = multipartBody([
      { name: 'to', content: 'es' },
      { name: 'video', fileName: '../../evil name.mp4', content: readFileSync(bundledSample.video), type: 'video/mp4' },
      { name: 'subtitles', fileName: 'sample.en.srt', content: readFileSync(bundledSample.sourceSubtitles) },
      { name: 'translation.es', fileName: 'sample.es.srt', content: readFileSync(bundledSample.targetSubtitles) },
    ]);
    const reply = await send(h.port, { method: 'POST', path: '/api/v1/jobs', headers: { ...h.auth, ...form.headers }, body: form.body });
    expect(reply.status, reply.text).toBe(201);
    const job = reply.json<{ jobs: { id: string; input: string; language: string }[] }>().jobs[0]!;
    const [folder] = readdirSync(uploads);
    expect(folder).toMatch(/^[0-9a-f-]{36}$/);
    expect(job.input).toBe(path.join(uploads, folder!, 'evil name.mp4'));
    expect(readdirSync(path.join(uploads, folder!, 'text')).sort()).toEqual(['es.srt', 'source.srt']);
    // Deleting the job lets go of its upload.
    expect((await send(h.port, { method: 'DELETE', path: `/api/v1/jobs/${job.id}?purge=true`, headers: h.auth })).json()).toEqual({ id: job.id, deleted: true });
    expect(readdirSync(uploads)).toEqual([]);
  });

  it('serves the renderer with its CSP, falls back to index.html for app routes, and 404s missing assets', async () => {
    const h = await start();
    const index = await send(h.port, { path: `/?token=${h.token}` });
    expect(index.status).toBe(200);
    expect(index.text).toContain('Redub app');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'; media-src 'self' blob:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const asset = await send(h.port, { path: '/assets/index-AbCdEf12.js' });
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.text).toContain('console.log');
    expect((await send(h.port, { path: '/jobs/123/timeline' })).text).toContain('Redub app');
    expectApiError(await send(h.port, { path: '/assets/missing.js' }), 404, 'E_ROUTE_NOT_FOUND');
  });

  it('never serves a symbolic link planted in the renderer folder, whether it names a file or a folder outside', async () => {
    const h = await start();
    const root = temporary();
    const rendererDir = path.join(root, 'renderer');
    symlinkSync(path.join(root, 'secret.txt'), path.join(rendererDir, 'assets', 'leak-AbCdEf12.js'));
    symlinkSync(root, path.join(rendererDir, 'outside'));
    for (const route of ['/assets/leak-AbCdEf12.js', '/outside/secret.txt']) {
      const reply = await send(h.port, { path: route });
      expect(reply.status, route).toBe(404);
      expect(reply.text).not.toContain(secret);
    }
  });

  it('says how to build the renderer when it is not built', async () => {
    const h = await start({ withRenderer: false });
    const reply = await send(h.port, { path: '/' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    expect(reply.text).toContain('npm run build:renderer');
  });
});
