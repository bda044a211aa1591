// Runs one job's stages on the host side: computes each stage's artifact key, reuses the cached
// artifact when there is one, otherwise sends the stage to a worker and commits what it wrote.
// It records every stage's state, timing and execution provider, and the job's weighted progress.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { RedubError } from '../../shared/errors.js';
import { stageWeights, type ResourceClass, type StageName } from '../../shared/jobs.js';
import type { JobStore } from '../queue/job-store.js';
import type { WorkerPool } from '../worker-host/worker-pool.js';
import { ArtifactCache } from './artifact-cache.js';
import { stageResources, stageVersions } from './stage.js';

export interface StageOutput<Result> {
  key: string;
  result: Result;
  directory: string;
  reused: boolean;
  file(name: string): string;
}

export interface PipelineServices {
  store: JobStore;
  cache: ArtifactCache;
  pools: Record<ResourceClass, WorkerPool>;
}

/** How often a stage is tried again on a fresh worker after its worker died or hung. */
const workerFailureRetries = 2;
const progressWriteIntervalMs = 250;

export class StageRunner {
  private completedWeight = 0;
  private lastProgressWrite = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly jobId: string,
    private readonly services: PipelineServices,
    private readonly signal: AbortSignal,
    private readonly onProgress: (progress: number, etaMs: number | null) => void,
    /** Each stage's share of the job's 0–100 progress (they sum to 100). */
    private readonly weights: Record<StageName, number> = stageWeights,
  ) {
    services.store.resetStages(jobId);
  }

  /** `resource` overrides the stage's default pool (a neural stage whose model runs on a GPU). */
  async run<Result>(name: StageName, keyInputs: unknown, params: unknown, resource: ResourceClass = stageResources[name]): Promise<StageOutput<Result>> {
    if (this.signal.aborted) throw new RedubError('E_CANCELLED');
    const { store, cache } = this.services;
    const key = ArtifactCache.keyFor(name, stageVersions[name], keyInputs);
    const startedMs = Date.now();
    store.upsertStage(this.jobId, name, { state: 'running', progress: 0, startedMs, artifactKey: key, error: null, reused: false });

    if (cache.has(key)) {
      store.touchArtifact(key);
      store.upsertStage(this.jobId, name, { state: 'done', progress: 100, reused: true, finishedMs: Date.now(), durationMs: Date.now() - startedMs });
      this.finishStage(name);
      return this.output<Result>(key, cache.read<Result>(key), true);
    }

    const temporary = cache.createTemporary(key);
    try {
      const outcome = await this.runOnWorker(name, params, temporary, resource);
      const committed = cache.commit(key, temporary, outcome.result);
      store.recordArtifact({ key, stage: name, path: committed.directory, bytes: committed.bytes });
      store.upsertStage(this.jobId, name, {
        state: 'done',
        progress: 100,
        finishedMs: Date.now(),
        durationMs: Date.now() - startedMs,
        executionProvider: outcome.executionProvider,
      });
      this.finishStage(name);
      return this.output<Result>(key, outcome.result as Result, false);
    } catch (error) {
      cache.discard(temporary);
      const data = error instanceof RedubError ? error.toData() : new RedubError('E_STAGE_FAILED', { details: [String(error)] }).toData();
      store.upsertStage(this.jobId, name, { state: 'failed', finishedMs: Date.now(), durationMs: Date.now() - startedMs, error: data });
      throw error;
    }
  }

  skip(name: StageName): void {
    this.services.store.upsertStage(this.jobId, name, { state: 'skipped', progress: 100 });
    this.finishStage(name);
  }

  private async runOnWorker(name: StageName, params: unknown, outDir: string, resource: ResourceClass) {
    const { store, cache, pools } = this.services;
    for (let attempt = 1; ; attempt++) {
      store.upsertStage(this.jobId, name, { attempts: attempt });
      try {
        return await pools[resource].run(
          { taskId: randomUUID(), stage: name, params, outDir, artifactsRoot: cache.root },
          {
            signal: this.signal,
            onStart: (pid) => store.log(this.jobId, 'info', name, `Stage ${name} started on worker ${pid ?? '?'} (attempt ${attempt}).`),
            onLog: (level, message) => store.log(this.jobId, level, name, message),
            onProgress: (fraction) => this.reportStageProgress(name, fraction),
          },
        );
      } catch (error) {
        const workerDied = error instanceof RedubError && (error.code === 'E_WORKER_CRASHED' || error.code === 'E_WORKER_HUNG');
        if (!workerDied || attempt > workerFailureRetries || this.signal.aborted) throw error;
        store.log(this.jobId, 'warn', name, `${error.message} ${error.details.join(' ')} Retrying the stage on a fresh worker.`);
      }
    }
  }

  private reportStageProgress(name: StageName, fraction: number): void {
    const now = Date.now();
    if (now - this.lastProgressWrite < progressWriteIntervalMs) return;
    this.lastProgressWrite = now;
    this.services.store.upsertStage(this.jobId, name, { progress: Math.round(fraction * 100) });
    this.emitProgress(this.completedWeight + this.weights[name] * fraction);
  }

  private finishStage(name: StageName): void {
    this.completedWeight += this.weights[name];
    this.emitProgress(this.completedWeight);
  }

  /** Job progress is 0–100, stage-weighted (SPEC §2); the ETA assumes the pace so far holds. */
  private emitProgress(percent: number): void {
    const elapsed = Date.now() - this.startedAt;
    const etaMs = percent > 5 && percent < 100 ? Math.round((elapsed * (100 - percent)) / percent) : null;
    this.onProgress(Math.min(100, percent), etaMs);
  }

  private output<Result>(key: string, result: Result, reused: boolean): StageOutput<Result> {
    const directory = this.services.cache.directory(key);
    return { key, result, directory, reused, file: (name) => path.join(directory, name) };
  }
}

