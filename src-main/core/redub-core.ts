// The one core that the CLI, the local API and the desktop app all drive: the job store, the
// artifact cache, the worker pools, and the scheduler that runs dub jobs through them.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { ResourceClass } from '../shared/jobs.js';
import { ArtifactCache } from './pipeline/artifact-cache.js';
import { dubJobOptionsSchema, idempotencyKeyFor, type DubJobOptions } from './pipeline/dub-options.js';
import { runDubJob } from './pipeline/dub-pipeline.js';
import { prepareDubJobs, type DubRequest } from './pipeline/prepare-dub.js';
import { removePartialOutputs } from './pipeline/publish-outputs.js';
import { JobStore, type JobRow } from './queue/job-store.js';
import { createOwnerId, isOwnerAlive, Scheduler } from './queue/scheduler.js';
import { openDatabase, type Database } from './store/database.js';
import { ForkWorkerHost } from './worker-host/fork-worker-host.js';
import { WorkerPool } from './worker-host/worker-pool.js';
import type { WorkerHost } from './worker-host/worker-host.js';
import { workerEntryPath } from './package-root.js';

export interface CoreOptions {
  dataDir: string;
  /** CPU worker processes; SPEC default is cores − 1, at least one. */
  cpuWorkers?: number;
  gpuWorkers?: number;
  heartbeatTimeoutMs?: number;
  retryBaseMs?: number;
  /** How worker processes are started: child_process.fork by default, utilityProcess in Electron. */
  workerHost?: WorkerHost;
}

export class RedubCore {
  readonly store: JobStore;
  readonly cache: ArtifactCache;
  private readonly database: Database;
  private pools: Record<ResourceClass, WorkerPool> | null = null;

  constructor(private readonly options: CoreOptions) {
    this.database = openDatabase(path.join(options.dataDir, 'redub.db'));
    this.store = new JobStore(this.database, { retryBaseMs: options.retryBaseMs ?? 1000 });
    this.cache = new ArtifactCache(path.join(options.dataDir, 'artifacts'), createOwnerId());
    // What attempts of dead processes left half-written (killed mid-stage, a power cut) would
    // otherwise keep the disk full for good.
    this.cache.clearAbandonedTemporaries(isOwnerAlive);
  }

  async prepareDub(request: DubRequest): Promise<DubJobOptions[]> {
    const [{ ModelStore }, { loadCatalog }] = await Promise.all([import('./models/model-store.js'), import('./models/catalog.js')]);
    let catalog = null;
    try {
      catalog = loadCatalog();
    } catch {
      // The catalog only names packs in messages; installed packs are read from their manifests.
    }
    const models = new ModelStore(this.options.dataDir, catalog);
    return prepareDubJobs(
      request,
      async (language, voice) => {
        const { EspeakSynthesizer } = await import('./engines/tts/espeak-synthesizer.js');
        (await EspeakSynthesizer.load()).voiceFor(language, voice);
      },
      models,
    );
  }

  /** Queues one job per option set; the same options find the job that already exists. */
  enqueue(jobs: DubJobOptions[], priority = 0): { job: JobRow; created: boolean }[] {
    return jobs.map((options) => {
      const outcome = this.store.enqueue({
        idempotencyKey: idempotencyKeyFor(options),
        inputPath: options.inputPath,
        language: options.language,
        sourceLanguage: options.sourceLanguage,
        options,
        priority,
      });
      // The segments live with the job, where the timeline (and the lip-sync stage) will edit them.
      if (outcome.created) this.store.replaceLipSyncSegments(outcome.job.id, options.lipSyncSegments);
      return outcome;
    });
  }

  private get cpuWorkers(): number {
    return this.options.cpuWorkers ?? Math.max(1, availableParallelism() - 1);
  }

  workerPools(): Record<ResourceClass, WorkerPool> {
    if (!this.pools) {
      const host = this.options.workerHost ?? new ForkWorkerHost(workerEntryPath(), { args: [`--redub-data-dir=${this.options.dataDir}`] });
      this.pools = {
        cpu: new WorkerPool(host, this.cpuWorkers, this.options.heartbeatTimeoutMs),
        gpu: new WorkerPool(host, this.options.gpuWorkers ?? 1, this.options.heartbeatTimeoutMs),
      };
    }
    return this.pools;
  }

  createScheduler(jobIds?: string[]): Scheduler {
    const pools = this.workerPools();
    pools.cpu.warmUp();
    const services = { store: this.store, cache: this.cache, pools };
    return new Scheduler({
      store: this.store,
      // Every stage today is a CPU stage, so jobs beyond the CPU workers would only wait.
      concurrency: this.cpuWorkers,
      jobIds: jobIds ? new Set(jobIds) : undefined,
      runJob: async (job, signal, onProgress) => {
        const result = await runDubJob(job, services, signal, onProgress);
        this.store.setJobStats(job.id, { cuesSynthesized: result.cuesSynthesized });
        return result;
      },
      onCancelled: (job) => {
        const options = dubJobOptionsSchema.safeParse(job.options);
        if (options.success) removePartialOutputs(options.data.inputPath, options.data.outDir, options.data.language);
      },
    });
  }

  async close(): Promise<void> {
    if (this.pools) await Promise.all(Object.values(this.pools).map((pool) => pool.close()));
    this.database.close();
  }
}
