// The model endpoints of the local API over a test catalog served from a local HTTP server:
// list, install (202, then model.updated events on the stream), import, verify and remove; the
// token on every one; bad ids as 400, unknown packs as 404, a pack busy installing as 409.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelPackInfo, ModelTask, RedubEvent } from '../../../src-main/shared/contract.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { StalledHost } from '../../unit/service/stalled-worker-host.js';
import type { FileServerOptions } from '../models/model-fixtures.js';
import { serveCatalog, tricklingFetch, writePackFolder, type ServedCatalog } from '../models/service-fixtures.js';
import { expectApiError, openEvents, send, startHarness, type EventStream, type Harness } from './server-harness.js';

const json = { 'Content-Type': 'application/json' };

describe('local API: model packs', () => {
  const temporary = useTemporaryDirectory('redub-models-api-');
  let harness: Harness | null = null;
  let served: ServedCatalog | null = null;
  let stream: EventStream | null = null;

  afterEach(async () => {
    stream?.close();
    stream = null;
    await harness?.close();
    harness = null;
    await served?.server.close();
    served = null;
  });

  async function start(serverOptions: FileServerOptions = {}) {
    served = await serveCatalog(path.join(temporary(), 'catalog'), serverOptions);
    harness = await startHarness(temporary(), {
      workerHost: new StalledHost(), modelCatalog: served.catalog,
      modelDownload: serverOptions.stallAfter !== undefined ? { idleTimeoutMs: 60_000 } : { fetchImpl: tricklingFetch(), retryDelayMs: 10 },
    });
    return { h: harness, served };
  }

  it('refuses every model endpoint without the token', async () => {
    const { h } = await start();
    const calls: { method: string; path: string; body?: string }[] = [
      { method: 'GET', path: '/api/v1/models' },
      { method: 'POST', path: '/api/v1/models/test-pack/install' },
      { method: 'POST', path: '/api/v1/models/test-pack/import', body: '{"source":"/tmp"}' },
      { method: 'POST', path: '/api/v1/models/test-pack/verify' },
      { method: 'DELETE', path: '/api/v1/models/test-pack' },
    ];
    for (const call of calls) {
      expectApiError(await send(h.port, { ...call, headers: json }), 401, 'E_UNAUTHORIZED');
      expectApiError(await send(h.port, { ...call, path: `${call.path}?token=${h.token}`, headers: json }), 401, 'E_UNAUTHORIZED');
    }
    expect(served!.server.requests).toEqual([]);
  });

  it('lists, installs with events on the stream, verifies and removes a pack', async () => {
    const { h } = await start();
    const listed = await send(h.port, { path: '/api/v1/models', headers: h.auth });
    expect(listed.status).toBe(200);
    const { packs, tasks } = listed.json<{ packs: ModelPackInfo[]; tasks: ModelTask[] }>();
    expect(tasks).toEqual([]);
    expect(packs.map((pack) => [pack.id, pack.installed, pack.sizeBytes])).toEqual([['test-pack', false, 1_500_000], ['gone-pack', false, 3000]]);

    stream = await openEvents(h.port, `/api/v1/events?token=${h.token}`);
    const install = await send(h.port, { method: 'POST', path: '/api/v1/models/test-pack/install', headers: h.auth });
    expect(install.status, install.text).toBe(202);
    expect(install.json()).toEqual({ packId: 'test-pack', state: 'running', bytesDone: 0, bytesTotal: 1_500_000, file: null, error: null });
    const modelEvents = () => stream!.events.filter((event): event is Extract<RedubEvent, { type: 'model.updated' }> => event.type === 'model.updated');
    await stream.waitFor(() => modelEvents().some((event) => event.task.state !== 'running'), 30_000);
    expect(modelEvents().some((event) => event.task.state === 'running' && event.task.bytesDone > 0)).toBe(true);
    expect(modelEvents().at(-1)).toMatchObject({ task: { state: 'done', bytesDone: 1_500_000 }, pack: { id: 'test-pack', installed: true } });

    const after = (await send(h.port, { path: '/api/v1/models', headers: h.auth })).json<{ packs: ModelPackInfo[]; tasks: ModelTask[] }>();
    expect(after.packs[0]).toMatchObject({ id: 'test-pack', installed: true, installedAt: expect.any(String) });
    expect(after.tasks).toEqual([expect.objectContaining({ packId: 'test-pack', state: 'done' })]);

    const verified = await send(h.port, { method: 'POST', path: '/api/v1/models/test-pack/verify', headers: h.auth });
    expect(verified.status).toBe(200);
    expect(verified.json()).toEqual({ id: 'test-pack', ok: true, problems: [] });

    const removed = await send(h.port, { method: 'DELETE', path: '/api/v1/models/test-pack', headers: h.auth });
    expect(removed.status).toBe(200);
    expect(removed.json()).toEqual({ id: 'test-pack', removed: true });
    expect((await send(h.port, { method: 'DELETE', path: '/api/v1/models/test-pack', headers: h.auth })).json()).toEqual({ id: 'test-pack', removed: false });
    expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/models/test-pack/verify', headers: h.auth }), 409, 'E_MODEL_MISSING');
  });

  it('imports a pack from a folder named in a JSON body', async () => {
    const { h, served } = await start();
    const folder = writePackFolder(path.join(temporary(), 'carried'), served.test);
    const reply = await send(h.port, { method: 'POST', path: '/api/v1/models/test-pack/import', headers: { ...h.auth, ...json }, body: JSON.stringify({ source: folder }) });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json()).toMatchObject({ id: 'test-pack', installed: true, sizeBytes: 1_500_000 });

    const bad = (body: string, headers: Record<string, string> = json) => send(h.port, { method: 'POST', path: '/api/v1/models/gone-pack/import', headers: { ...h.auth, ...headers }, body });
    expectApiError(await bad('{}'), 400, 'E_BAD_REQUEST');
    expectApiError(await bad('{"source":""}'), 400, 'E_BAD_REQUEST');
    expectApiError(await bad('{"source":"/tmp","force":true}'), 400, 'E_BAD_REQUEST');
    expectApiError(await bad('{"source":'), 400, 'E_BAD_REQUEST');
    expectApiError(await bad('source=/tmp', { 'Content-Type': 'application/x-www-form-urlencoded' }), 400, 'E_BAD_REQUEST');
    expectApiError(await bad(JSON.stringify({ source: path.join(temporary(), 'nowhere') })), 422, 'E_MODEL_IMPORT_FAILED');
  });

  it('answers 400 for ids that are not pack ids and 404 for packs the catalog lacks', async () => {
    const { h } = await start();
    const endpoints = (id: string) => [
      { method: 'POST', path: `/api/v1/models/${id}/install` },
      { method: 'POST', path: `/api/v1/models/${id}/import`, body: '{"source":"/tmp"}' },
      { method: 'POST', path: `/api/v1/models/${id}/verify` },
      { method: 'DELETE', path: `/api/v1/models/${id}` },
    ];
    for (const id of ['Test-Pack', 'a%20b', 'x'.repeat(101), '%2e%2e%2fetc']) {
      for (const call of endpoints(id)) {
        const reply = await send(h.port, { ...call, headers: { ...h.auth, ...json } });
        expectApiError(reply, 400, 'E_BAD_REQUEST');
        expect(reply.json<{ error: { details: string[] } }>().error.details[0]).toMatch(/^id: /);
      }
    }
    for (const call of endpoints('no-such-pack')) {
      expectApiError(await send(h.port, { ...call, headers: { ...h.auth, ...json } }), 404, 'E_MODEL_UNKNOWN');
    }
    expectApiError(await send(h.port, { path: '/api/v1/models/test-pack/install', headers: h.auth }), 405, 'E_METHOD_NOT_ALLOWED');
    expect(served!.server.requests).toEqual([]);
  });

  it('answers the running install for a second POST and refuses to remove the pack while it runs', async () => {
    const { h } = await start({ stallAfter: 100_000 });
    const first = await send(h.port, { method: 'POST', path: '/api/v1/models/test-pack/install', headers: h.auth });
    expect(first.status).toBe(202);
    const second = await send(h.port, { method: 'POST', path: '/api/v1/models/test-pack/install', headers: h.auth });
    expect(second.status).toBe(202);
    expect(second.json()).toMatchObject({ packId: 'test-pack', state: 'running' });
    expectApiError(await send(h.port, { method: 'DELETE', path: '/api/v1/models/test-pack', headers: h.auth }), 409, 'E_MODEL_BUSY');
    const listed = (await send(h.port, { path: '/api/v1/models', headers: h.auth })).json<{ tasks: ModelTask[] }>();
    expect(listed.tasks).toEqual([expect.objectContaining({ packId: 'test-pack', state: 'running' })]);
  });
});
