// The machinery under the one service every transport calls: the store, the artifact cache, the
// worker pools, and the schedulers that run dub jobs through the pipeline.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { ResourceClass } from '../shared/jobs.js';
import { ArtifactCache } from './pipeline/artifact-cache.js';
import { idempotencyKeyFor, readJobOptions, type DubJobOptions } from './pipeline/dub-options.js';
import { runDubJob } from './pipeline/dub-pipeline.js';
import { requireLipSyncPacks } from './pipeline/lipsync-request.js';
import { lipSyncPacks } from './engines/lipsync/lipsync-packs.js';
import type { LipSyncPackDirectories } from './engines/lipsync/lipsync-version.js';
import type { InstalledModels } from './pipeline/model-choice.js';
import type { MediaInfo } from './media/probe.js';
import { prepareDubJobs, type DubRequest, type VoiceCheck } from './pipeline/prepare-dub.js';
import { keepProbe } from './pipeline/stages/probe.js';
import { removePartialOutputs } from './pipeline/publish-outputs.js';
import type { AnyStage } from './pipeline/stage.js';
import { assertRunnable, dubStages } from './pipeline/stage-registry.js';
import type { JobRow } from './queue/job-queue.js';
import { createOwnerId, isOwnerAlive, Scheduler } from './queue/scheduler.js';
import { openDatabase } from './store/database.js';
import { Store } from './store/store.js';
import { ForkWorkerHost } from './worker-host/fork-worker-host.js';
import { WorkerPool } from './worker-host/worker-pool.js';
import type { WorkerHost } from './worker-host/worker-host.js';
import { workerEntryPath } from './package-root.js';

export interface CoreOptions {
  dataDir: string;
  /** CPU worker processes; SPEC default is cores − 1, at least one. */
  cpuWorkers?: number;
  /** Workers of the model pool (neural stages); SPEC: one. */
  modelWorkers?: number;
  heartbeatTimeoutMs?: number;
  retryBaseMs?: number;
  /** How worker processes are started: child_process.fork by default, utilityProcess in Electron. */
  workerHost?: WorkerHost;
  /** The pipeline's stages; the dub pipeline by default. Tests add stages of their own. */
  stages?: readonly AnyStage[];
  /** Called when a job has finished (done, failed, cancelled): housekeeping hooks in here. */
  onJobFinished?: (job: JobRow) => void;
}

export class RedubCore {
  readonly store: Store;
  readonly cache: ArtifactCache;
  readonly stages: readonly AnyStage[];
  private pools: Record<ResourceClass, WorkerPool> | null = null;

  constructor(private readonly options: CoreOptions) {
    this.stages = options.stages ?? dubStages;
    assertRunnable(this.stages);
    this.store = new Store(openDatabase(path.join(options.dataDir, 'redub.db')), { retryBaseMs: options.retryBaseMs ?? 1000 });
    this.cache = new ArtifactCache(path.join(options.dataDir, 'artifacts'), createOwnerId());
    // What attempts of dead processes left half-written (killed mid-stage, a power cut) would
    // otherwise keep the disk full for good.
    this.cache.clearAbandonedTemporaries(isOwnerAlive);
  }

  /** Where videos named by URL are downloaded, a folder per URL. */
  get downloadsDir(): string {
    return path.join(this.options.dataDir, 'downloads');
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  /** The stage names in pipeline order: how a job's stage table reads. */
  get stageNames(): string[] {
    return this.stages.map((stage) => stage.name);
  }

  /** The packs installed in the data folder, read when asked (a pack may be installed while the core runs). */
  async installedModels(): Promise<InstalledModels> {
    const [{ ModelStore }, { loadCatalog }] = await Promise.all([import('./models/model-store.js'), import('./models/catalog.js')]);
    let catalog = null;
    try {
      catalog = loadCatalog();
    } catch {
      // The catalog only names packs in messages; installed packs are read from their manifests.
    }
    return new ModelStore(this.options.dataDir, catalog);
  }

  /** Where the face detector and lip-sync packs are installed; E_MODEL_MISSING naming what to install when either is not. */
  async lipSyncPackDirectories(): Promise<LipSyncPackDirectories> {
    const models = await this.installedModels();
    requireLipSyncPacks(models);
    return { detector: models.requirePack(lipSyncPacks.detector.id).dir, model: models.requirePack(lipSyncPacks.model.id).dir };
  }

  async prepareDub(request: DubRequest): Promise<DubJobOptions[]> {
    const models = await this.installedModels();
    const probes: MediaInfo[] = [];
    const jobs = await prepareDubJobs({ downloadsDir: this.downloadsDir, ...request }, checkVoiceListed, models, (media) => probes.push(media));
    for (const media of probes) for (const options of jobs) keepProbe(this.cache, this.store.artifacts, options, media);
    return jobs;
  }

  /** Queues one job per option set; the same options find the job that already exists. */
  enqueue(jobs: DubJobOptions[], priority = 0): { job: JobRow; created: boolean }[] {
    return jobs.map((options) => {
      const outcome = this.store.jobs.enqueue({
        idempotencyKey: idempotencyKeyFor(options),
        inputPath: options.inputPath,
        language: options.language,
        sourceLanguage: options.sourceLanguage,
        options,
        priority,
      });
      // The segments live with the job, where the timeline (and the lip-sync stage) will edit them,
      // and so does the audio added for them, which the timeline draws and the segments may name.
      if (outcome.created) {
        this.store.lipSync.replaceSegments(outcome.job.id, options.lipSyncSegments);
        this.store.speakerVoices.replace(outcome.job.id, options.speakerVoices);
        for (const ref of options.audioRefs) this.store.lipSync.addAudio(outcome.job.id, { id: ref.id, path: ref.path, durationMs: ref.durationMs });
      }
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
        model: new WorkerPool(host, this.options.modelWorkers ?? 1, this.options.heartbeatTimeoutMs),
      };
    }
    return this.pools;
  }

  /** A scheduler over every job, or (a command running its own) over the given ones. */
  createScheduler(jobIds?: string[]): Scheduler {
    const pools = this.workerPools();
    pools.cpu.warmUp();
    const services = { store: this.store, cache: this.cache, pools, stages: this.stages, lipSyncPacks: () => this.lipSyncPackDirectories() };
    return new Scheduler({
      store: this.store,
      // CPU stages bound the work; jobs beyond the CPU workers would only wait.
      concurrency: this.cpuWorkers,
      jobIds: jobIds ? new Set(jobIds) : undefined,
      runJob: async (job, signal, onProgress) => {
        warmJobEngines(pools, job);
        const result = await runDubJob(job, services, signal, onProgress);
        this.store.jobs.setStats(job.id, { cuesSynthesized: result.cuesSynthesized });
        return result;
      },
      onCancelled: (job) => {
        try {
          const options = readJobOptions(job.options);
          removePartialOutputs(options.inputPath, options.outDir, options.language);
        } catch {
          // Options that no longer read name no outputs to remove.
        }
      },
      onFinished: this.options.onJobFinished,
    });
  }

  async close(): Promise<void> {
    if (this.pools) await Promise.all(Object.values(this.pools).map((pool) => pool.close()));
    this.store.db.close();
  }
}

/**
 * Has the CPU workers load the speech engine of a job that starts now, while its first stages run:
 * eSpeak NG takes half a second to load, and the synthesize stage would otherwise wait for it.
 * Engines a job may find cached (voice activity detection, on a re-run) load when their stage runs.
 */
function warmJobEngines(pools: Record<ResourceClass, WorkerPool>, job: JobRow): void {
  let options: DubJobOptions;
  try {
    options = readJobOptions(job.options);
  } catch {
    return; // The job fails on its options when it runs; warming is no place to say so.
  }
  if (options.speech.engine === 'espeak') pools.cpu.warmEngines([{ engine: 'espeak' }]);
}

/** Checks a voice against eSpeak's voice list, not the engine: starting it for a request would cost half a second. */
export const checkVoiceListed: VoiceCheck = async (language, voice) => {
  const { chooseEspeakVoice } = await import('./engines/tts/espeak-voice-list.js');
  await chooseEspeakVoice(language, voice);
};
