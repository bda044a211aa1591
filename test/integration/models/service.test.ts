// The model manager as RedubService offers it to the renderer and the HTTP API, over a test
// catalog served from a local HTTP server: installs run in the background with throttled
// progress events, one per pack; failures arrive as failed tasks; imports, verify and remove
// answer at once; closing the service stops an install and keeps its parts for resuming.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelTask, RedubEvent } from '../../../src-main/shared/contract.js';
import { downloadStagingFolder } from '../../../src-main/core/models/install.js';
import { RedubService, type RedubServiceOptions } from '../../../src-main/core/service/redub-service.js';
import { rejectionOf } from '../../helpers/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { StalledHost, until } from '../../unit/service/stalled-worker-host.js';
import type { FileServerOptions } from './model-fixtures.js';
import { serveCatalog, tricklingFetch, writePackFolder, type ServedCatalog } from './service-fixtures.js';

type ModelEvent = Extract<RedubEvent, { type: 'model.updated' }>;

describe('RedubService: model packs', () => {
  const temporary = useTemporaryDirectory('redub-model-service-');
  let service: RedubService | null = null;
  let served: ServedCatalog | null = null;

  afterEach(async () => {
    await service?.close();
    service = null;
    await served?.server.close();
    served = null;
    vi.unstubAllEnvs();
  });

  async function open(serverOptions: FileServerOptions = {}, options: Partial<RedubServiceOptions> = {}) {
    served = await serveCatalog(path.join(temporary(), 'catalog'), serverOptions);
    const dataDir = path.join(temporary(), 'data');
    service = new RedubService({
      dataDir, mediaUrl: () => '', workerHost: new StalledHost(), cpuWorkers: 1, pollMs: 20,
      modelCatalog: served.catalog, modelDownload: { fetchImpl: tricklingFetch(), retryDelayMs: 10 },
      ...options,
    });
    const events: { event: ModelEvent; atMs: number }[] = [];
    service.onEvent((event) => {
      if (event.type === 'model.updated') events.push({ event, atMs: Date.now() });
    });
    return { service, served, dataDir, events, tasks: () => events.map(({ event }) => event.task) };
  }

  const finished = (tasks: () => ModelTask[], packId: string) => until(() => tasks().some((task) => task.packId === packId && task.state !== 'running'), 30_000);

  it('lists every catalog pack with its size and whether it is installed', async () => {
    const { service } = await open();
    const { packs, tasks } = await service.listModels();
    expect(tasks).toEqual([]);
    expect(packs).toEqual([
      expect.objectContaining({ id: 'test-pack', kind: 'asr', name: 'Test pack', languages: ['en'], sizeBytes: 1_500_000, installed: false, installedAt: null, notes: null }),
      expect.objectContaining({ id: 'gone-pack', sizeBytes: 3000, installed: false, notes: 'Never served.' }),
    ]);
  });

  it('installs in the background with throttled progress events, then done with the pack', async () => {
    const { service, events, tasks } = await open();
    const started = await service.installModel('test-pack');
    expect(started).toEqual({ packId: 'test-pack', state: 'running', bytesDone: 0, bytesTotal: 1_500_000, file: null, error: null });
    // A second call while it runs answers the same install rather than starting another.
    const again = await service.installModel('test-pack');
    expect(again).toMatchObject({ packId: 'test-pack', state: 'running', bytesTotal: 1_500_000 });
    expect((await service.listModels()).tasks).toEqual([expect.objectContaining({ packId: 'test-pack', state: 'running' })]);
    await finished(tasks, 'test-pack');

    const states = tasks().map((task) => task.state);
    expect(states.at(-1)).toBe('done');
    expect(states.slice(0, -1).every((state) => state === 'running')).toBe(true);
    const progress = events.filter(({ event }) => event.task.state === 'running' && event.task.bytesDone > 0);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every(({ event }) => event.task.file !== null && event.task.bytesTotal === 1_500_000 && event.pack === null)).toBe(true);
    const done = events.at(-1)!.event;
    expect(done.task).toEqual({ packId: 'test-pack', state: 'done', bytesDone: 1_500_000, bytesTotal: 1_500_000, file: null, error: null });
    expect(done.pack).toMatchObject({ id: 'test-pack', installed: true, installedAt: expect.any(String) });
    // About four a second at most: running events (beyond the first) come at least 250 ms apart.
    const runningTimes = events.filter(({ event }) => event.task.state === 'running').map(({ atMs }) => atMs);
    for (let index = 1; index < runningTimes.length; index++) expect(runningTimes[index]! - runningTimes[index - 1]!).toBeGreaterThanOrEqual(240);

    // One download per file: the second call did not start a second transfer.
    expect(served!.server.requests.map((request) => request.path).sort()).toEqual(['/test-pack/config.json', '/test-pack/onnx/model.onnx']);
    expect((await service.listModels()).packs[0]).toMatchObject({ id: 'test-pack', installed: true });
    expect(await service.verifyModel('test-pack')).toEqual({ id: 'test-pack', ok: true, problems: [] });
    // Installing an installed pack answers a done task at once, without a download.
    expect(await service.installModel('test-pack')).toEqual({ packId: 'test-pack', state: 'done', bytesDone: 1_500_000, bytesTotal: 1_500_000, file: null, error: null });
    expect(served!.server.requests).toHaveLength(2);
  });

  it('reports a failed download as a failed task with the error, and may be tried again', async () => {
    const { service, events, tasks } = await open();
    await service.installModel('gone-pack');
    await finished(tasks, 'gone-pack');
    const last = events.at(-1)!.event;
    expect(last.task).toMatchObject({ packId: 'gone-pack', state: 'failed', file: null, error: { code: 'E_MODEL_DOWNLOAD_FAILED', message: expect.stringMatching(/HTTP 404/), action: expect.any(String) } });
    expect(last.pack).toMatchObject({ id: 'gone-pack', installed: false });
    expect((await service.listModels()).tasks).toEqual([expect.objectContaining({ packId: 'gone-pack', state: 'failed' })]);
    // A failed install is over: another call starts a new one.
    expect(await service.installModel('gone-pack')).toMatchObject({ state: 'running' });
    await until(() => tasks().filter((task) => task.state === 'failed').length === 2, 30_000);
  });

  it('imports a pack from a folder, announcing it as done', async () => {
    const { service, served, events } = await open();
    const folder = writePackFolder(path.join(temporary(), 'carried'), served.test);
    const info = await service.importModel('test-pack', folder);
    expect(info).toMatchObject({ id: 'test-pack', installed: true, installedAt: expect.any(String), sizeBytes: 1_500_000 });
    expect(events.map(({ event }) => event)).toEqual([{ type: 'model.updated', task: { packId: 'test-pack', state: 'done', bytesDone: 1_500_000, bytesTotal: 1_500_000, file: null, error: null }, pack: info }]);
    expect((await service.verifyModel('test-pack')).ok).toBe(true);
    expect(served.server.requests).toEqual([]);

    // A removal is announced too, so a second window sees the pack uninstalled.
    const removals: RedubEvent[] = [];
    service.onEvent((event) => {
      if (event.type === 'model.removed') removals.push(event);
    });
    expect(await service.removeModel('test-pack')).toEqual({ id: 'test-pack', removed: true });
    expect(removals).toEqual([{ type: 'model.removed', id: 'test-pack', pack: expect.objectContaining({ id: 'test-pack', installed: false, installedAt: null }) }]);

    const empty = await rejectionOf(service.importModel('gone-pack', path.join(temporary(), 'nowhere')));
    expect(empty.code).toBe('E_MODEL_IMPORT_FAILED');
  });

  it('removes a pack, but not while its install runs; closing stops the install and keeps its parts', async () => {
    const { service: first, served, dataDir } = await open({ stallAfter: 100_000 }, { modelDownload: { idleTimeoutMs: 60_000 } });
    writePackFolder(path.join(temporary(), 'carried'), served.test);
    await first.installModel('test-pack');
    // Wait for bytes on disk, not only for the request: the part file is what closing must keep.
    const staging = downloadStagingFolder(dataDir, 'test-pack');
    await until(() => existsSync(staging) && readdirSync(staging).some((name) => name.endsWith('.part')));

    const busy = await rejectionOf(first.removeModel('test-pack'));
    expect(busy.code).toBe('E_MODEL_BUSY');
    expect(busy.message).toMatch(/test-pack/);
    expect((await rejectionOf(first.importModel('test-pack', path.join(temporary(), 'carried')))).code).toBe('E_MODEL_BUSY');

    const closing = Date.now();
    await first.close();
    expect(Date.now() - closing).toBeLessThan(5000);
    expect(readdirSync(staging).some((name) => name.endsWith('.part'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'models', 'test-pack'))).toBe(false);

    // The next service (the next start of the app) resumes and installs it (model.onnx stalls once
    // too, so its connection is given up quickly); then remove works.
    const second = new RedubService({ dataDir, mediaUrl: () => '', workerHost: new StalledHost(), cpuWorkers: 1, modelCatalog: served.catalog, modelDownload: { retryDelayMs: 10, idleTimeoutMs: 500 } });
    service = second;
    const events: ModelTask[] = [];
    second.onEvent((event) => {
      if (event.type === 'model.updated') events.push(event.task);
    });
    await second.installModel('test-pack');
    await finished(() => events, 'test-pack');
    expect(events.at(-1)!.state).toBe('done');
    expect(served.server.requests.some((request) => request.status === 206)).toBe(true);
    expect(await second.removeModel('test-pack')).toEqual({ id: 'test-pack', removed: true });
    expect(await second.removeModel('test-pack')).toEqual({ id: 'test-pack', removed: false });
    expect((await second.listModels()).packs[0]).toMatchObject({ id: 'test-pack', installed: false });
  });

  it('checks ids against the contract and the catalog', async () => {
    const { service } = await open();
    for (const call of [service.installModel('Bad Id'), service.verifyModel('a/b'), service.removeModel(''), service.importModel('x'.repeat(101), '/tmp')]) {
      const error = await rejectionOf(call);
      expect(error.code).toBe('E_BAD_REQUEST');
      expect(error.details).toEqual([expect.stringMatching(/^id: /)]);
    }
    expect((await rejectionOf(service.importModel('test-pack', ''))).details).toEqual([expect.stringMatching(/^source: /)]);
    for (const call of [service.installModel('test-pak'), service.importModel('nope', '/tmp'), service.verifyModel('nope'), service.removeModel('nope')]) {
      expect((await rejectionOf(call)).code).toBe('E_MODEL_UNKNOWN');
    }
    expect((await rejectionOf(service.installModel('test-pak'))).action).toMatch(/"test-pack"/);
    expect((await rejectionOf(service.verifyModel('test-pack'))).code).toBe('E_MODEL_MISSING');
    expect(await service.removeModel('test-pack')).toEqual({ id: 'test-pack', removed: false });
  });

  it('reads the catalog named by REDUB_MODEL_CATALOG when no catalog is given', async () => {
    served = await serveCatalog(path.join(temporary(), 'catalog'));
    vi.stubEnv('REDUB_MODEL_CATALOG', served.catalog);
    service = new RedubService({ dataDir: path.join(temporary(), 'data'), mediaUrl: () => '', workerHost: new StalledHost(), cpuWorkers: 1 });
    expect((await service.listModels()).packs.map((pack) => pack.id)).toEqual(['test-pack', 'gone-pack']);
  });
});
