// The model packs as the service offers them to the desktop renderer and the HTTP API: the
// catalog with what this machine has installed, installs that run in the background (one per
// pack, reported as model.updated events with throttled progress), imports, verification and
// removal. Arguments arrive already checked by RedubService; this decides what a call means.
import path from 'node:path';
import type { ModelPackInfo, ModelTask, ModelVerification, RedubEvent } from '../../shared/contract.js';
import { RedubError, toErrorData } from '../../shared/errors.js';
import { findPack, loadCatalog, packSize, type Catalog, type CatalogPack } from '../models/catalog.js';
import { importPack } from '../models/import.js';
import { installPack, type InstallOptions } from '../models/install.js';
import { ModelStore } from '../models/model-store.js';
import { packInfo } from '../models/pack-info.js';

/** What a caller may tune about downloads (tests shorten the retries and slow the transfer). */
export type ModelDownloadOptions = Pick<InstallOptions, 'fetchImpl' | 'retries' | 'retryDelayMs' | 'idleTimeoutMs'>;

export interface ModelManagerOptions {
  dataDir: string;
  /** The catalog file; by default REDUB_MODEL_CATALOG, else the bundled models/catalog.json. */
  catalogPath?: string;
  download?: ModelDownloadOptions;
  /** The least time between two progress events of one install. */
  progressIntervalMs?: number;
  publish: (event: RedubEvent) => void;
}

interface RunningInstall {
  task: ModelTask;
  controller: AbortController;
  finished: Promise<void>;
}

/** About four progress events a second: enough for a smooth bar, few enough for an SSE stream. */
const defaultProgressIntervalMs = 250;

export class ModelManager {
  /** The latest task of each pack in this process: running, or how its last install or import ended. */
  private readonly tasks = new Map<string, ModelTask>();
  private readonly running = new Map<string, RunningInstall>();
  private closed = false;

  constructor(private readonly options: ModelManagerOptions) {}

  list(): { packs: ModelPackInfo[]; tasks: ModelTask[] } {
    const catalog = this.catalog();
    const store = new ModelStore(this.options.dataDir, catalog);
    return { packs: catalog.packs.map((pack) => packInfo(pack, store)), tasks: [...this.tasks.values()].map(copyTask) };
  }

  /** Starts an install in the background and answers its task at once; a running one is answered
   * as it stands, and a pack already installed with a task that is already done. */
  install(id: string): ModelTask {
    this.refuseWhenClosed();
    const running = this.running.get(id);
    if (running) return copyTask(running.task);
    const catalog = this.catalog();
    const pack = findPack(catalog, id);
    const store = new ModelStore(this.options.dataDir, catalog);
    const manifest = store.manifest(id);
    if (manifest) {
      const bytes = manifest.files.reduce((sum, file) => sum + file.size, 0);
      const task: ModelTask = { packId: id, state: 'done', bytesDone: bytes, bytesTotal: bytes, file: null, error: null };
      this.tasks.set(id, task);
      this.publish(task, packInfo(pack, store));
      return copyTask(task);
    }

    const task: ModelTask = { packId: id, state: 'running', bytesDone: 0, bytesTotal: packSize(pack), file: null, error: null };
    const controller = new AbortController();
    const install: RunningInstall = { task, controller, finished: Promise.resolve() };
    this.tasks.set(id, task);
    this.running.set(id, install);
    this.publish(task, packInfo(pack, store));
    install.finished = this.runInstall(pack, catalog, task, controller.signal).finally(() => this.running.delete(id));
    return copyTask(task);
  }

  async import(id: string, source: string): Promise<ModelPackInfo> {
    this.refuseWhenClosed();
    this.refuseWhileInstalling(id, 'imported');
    const catalog = this.catalog();
    const pack = findPack(catalog, id);
    const result = await importPack(pack, path.resolve(source), this.options.dataDir);
    const task: ModelTask = { packId: id, state: 'done', bytesDone: result.bytes, bytesTotal: result.bytes, file: null, error: null };
    const info = packInfo(pack, new ModelStore(this.options.dataDir, catalog));
    this.tasks.set(id, task);
    this.publish(task, info);
    return info;
  }

  /** Checks an installed pack's files against its manifest, and against the catalog when it can be read. */
  async verify(id: string): Promise<ModelVerification> {
    const catalog = this.catalogOrNull();
    const store = new ModelStore(this.options.dataDir, catalog);
    // An id neither installed nor in the catalog is unknown; one in the catalog only is missing.
    if (catalog && !store.isInstalled(id)) findPack(catalog, id);
    const result = await store.verify(id);
    return { id: result.id, ok: result.ok, problems: result.problems };
  }

  async remove(id: string): Promise<{ id: string; removed: boolean }> {
    this.refuseWhileInstalling(id, 'removed');
    const catalog = this.catalogOrNull();
    const store = new ModelStore(this.options.dataDir, catalog);
    if (catalog && !store.isInstalled(id)) findPack(catalog, id);
    const removed = await store.remove(id);
    this.tasks.delete(id);
    // Other windows and API clients hear of it, as they do of installs and imports.
    if (removed) {
      const pack = catalog?.packs.find((candidate) => candidate.id === id);
      this.options.publish({ type: 'model.removed', id, pack: pack ? packInfo(pack, store) : null });
    }
    return { id, removed };
  }

  /** Stops running installs; their .part files stay, so installing again resumes them. */
  async close(): Promise<void> {
    this.closed = true;
    const installs = [...this.running.values()];
    for (const install of installs) install.controller.abort();
    await Promise.allSettled(installs.map((install) => install.finished));
  }

  private async runInstall(pack: CatalogPack, catalog: Catalog, task: ModelTask, signal: AbortSignal): Promise<void> {
    const interval = this.options.progressIntervalMs ?? defaultProgressIntervalMs;
    let lastReport = Date.now();
    try {
      const result = await installPack(pack, this.options.dataDir, {
        ...this.options.download,
        signal,
        onProgress: (progress) => {
          task.bytesDone = progress.bytesDone;
          task.bytesTotal = progress.bytesTotal;
          task.file = progress.file;
          const now = Date.now();
          if (now - lastReport < interval) return;
          lastReport = now;
          this.publish(task, null);
        },
      });
      Object.assign(task, { state: 'done', bytesDone: result.bytes, bytesTotal: result.bytes, file: null, error: null } satisfies Partial<ModelTask>);
    } catch (error) {
      Object.assign(task, { state: 'failed', file: null, error: toErrorData(error) } satisfies Partial<ModelTask>);
    }
    if (!this.closed) this.publish(task, packInfo(pack, new ModelStore(this.options.dataDir, catalog)));
  }

  private publish(task: ModelTask, pack: ModelPackInfo | null): void {
    this.options.publish({ type: 'model.updated', task: copyTask(task), pack });
  }

  private catalog(): Catalog {
    return loadCatalog(this.options.catalogPath);
  }

  private catalogOrNull(): Catalog | null {
    try {
      return this.catalog();
    } catch {
      return null;
    }
  }

  private refuseWhileInstalling(id: string, verb: string): void {
    if (!this.running.has(id)) return;
    throw new RedubError('E_MODEL_BUSY', {
      message: `The model pack "${id}" is being installed right now, so it cannot be ${verb}.`,
      action: 'Wait until its install finishes (or fails), then try again.',
    });
  }

  private refuseWhenClosed(): void {
    if (this.closed) throw new RedubError('E_INTERNAL', { message: 'Redub is shutting down; no model pack can be installed now.', action: 'Start Redub again, then retry.' });
  }
}


function copyTask(task: ModelTask): ModelTask {
  return { ...task, error: task.error ? { ...task.error } : null };
}
