// Runs one job's stages on the host side: derives each stage's artifact key from its params,
// reuses the cached artifact when there is one and it still holds up, otherwise sends the stage
// to the pool its declaration names and commits what the worker wrote. Every attempt of a stage writes into a fresh folder of its own, and only
// an attempt whose output passed its check, made while this process still holds the job's lease,
// is committed. It records every stage's state, timing and execution provider, and the job's
// weighted progress over all the stages in flight at once; a failure to record (a full disk)
// stops the stage with that error instead of crashing the process that writes.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { RedubError, toErrorData } from '../../shared/errors.js';
import type { ResourceClass, StageName } from '../../shared/jobs.js';
import type { ArtifactTable } from '../store/artifact-table.js';
import type { LogTable } from '../store/log-table.js';
import type { StageTable } from '../store/stage-table.js';
import { workerDeathCodes, type WorkerPool } from '../worker-host/worker-pool.js';
import type { ArtifactCache } from './artifact-cache.js';
import { checkStageOutput } from './output-checks.js';
import type { AnyStage, StageDeclaration, StageOutput } from './stage.js';
import { stageKey } from './stage-key.js';

/** What a runner touches: the job's stage and log records, the artifact index and cache, the pools. */
export interface RunnerServices {
  stages: StageTable;
  logs: LogTable;
  artifacts: ArtifactTable;
  cache: ArtifactCache;
  pools: Record<ResourceClass, WorkerPool>;
  /** Whether this process still holds the job's lease: only then may it publish anything. */
  holdsLease(): boolean;
}

/** How often a stage is tried again on a fresh worker after its worker died or hung. */
const workerFailureRetries = 2;
const progressWriteIntervalMs = 250;

export class StageRunner {
  private completedWeight = 0;
  /** How far each stage in flight has got (0–1), the furthest any of its attempts reached. */
  private readonly inFlight = new Map<StageName, number>();
  private readonly lastStageProgressWrite = new Map<StageName, number>();
  private lastProgressWrite = 0;
  /** Job progress only rises: an attempt retried from 0 does not take back what was shown. */
  private shownProgress = 0;
  private readonly totalWeight: number;
  private readonly startedAt = Date.now();
  /** Set when a write to the store failed mid-stage; the stage then stops with this error. */
  private storageFailure: RedubError | null = null;
  private readonly storageAbort = new AbortController();
  private readonly signal: AbortSignal;

  constructor(
    private readonly jobId: string,
    private readonly services: RunnerServices,
    jobSignal: AbortSignal,
    private readonly onProgress: (progress: number, etaMs: number | null) => void,
    /** Each stage's share of the job's 0–100 progress (they sum to 100). */
    private readonly weights: ReadonlyMap<StageName, number>,
  ) {
    this.signal = AbortSignal.any([jobSignal, this.storageAbort.signal]);
    this.totalWeight = [...weights.values()].reduce((sum, weight) => sum + weight, 0);
    services.stages.reset(jobId);
  }

  async run<Params, Result>(stage: StageDeclaration<Params, Result>, params: Params): Promise<StageOutput<Result>> {
    this.throwIfStopped();
    const { stages } = this.services;
    const name = stage.name;
    const key = stageKey(stage, params, this.services.cache.root);
    // Restamped when a worker takes the stage: time spent queued behind a sibling is not its own.
    const timing = { startedMs: Date.now() };
    stages.upsert(this.jobId, name, { state: 'running', progress: 0, startedMs: timing.startedMs, artifactKey: key, error: null, reused: false });

    const reused = this.reusable(stage, key);
    if (reused !== null) {
      this.services.artifacts.touchKey(key);
      stages.upsert(this.jobId, name, { state: 'done', progress: 100, reused: true, finishedMs: Date.now(), durationMs: Date.now() - timing.startedMs });
      this.finishStage(name);
      return this.output(key, reused, true);
    }

    try {
      const { result, committed, executionProvider } = await this.runAttempts(stage, key, params, timing);
      this.services.artifacts.record({ key, stage: name, path: committed.directory, bytes: committed.bytes });
      stages.upsert(this.jobId, name, { state: 'done', progress: 100, finishedMs: Date.now(), durationMs: Date.now() - timing.startedMs, executionProvider });
      this.finishStage(name);
      return this.output(key, result as Result, false);
    } catch (thrown) {
      this.inFlight.delete(name);
      const error = this.storageFailure ?? thrown;
      const data = error instanceof RedubError ? error.toData() : toErrorData(error);
      // Recording the failure may fail the same way (the disk is still full): the error stands.
      this.record(() => stages.upsert(this.jobId, name, { state: 'failed', finishedMs: Date.now(), durationMs: Date.now() - timing.startedMs, error: data }));
      throw error instanceof RedubError ? error : RedubError.fromData(data);
    }
  }

  skip(name: StageName): void {
    this.services.stages.upsert(this.jobId, name, { state: 'skipped', progress: 100 });
    this.finishStage(name);
  }

  /** Throws unless this process still holds the job: before anything leaves for the user. */
  assertLeaseHeld(): void {
    this.throwIfStopped();
    if (!this.services.holdsLease()) throw new RedubError('E_LEASE_LOST');
  }

  /** The cached result when the artifact is there and checks out; a damaged one is removed, with a warning. */
  private reusable<Result>(stage: AnyStage<Result>, key: string): Result | null {
    const { cache } = this.services;
    const check = cache.verify(key);
    if (check.state === 'missing') return null;
    let problems = check.state === 'damaged' ? [check.reason] : [];
    let result: Result | null = null;
    if (problems.length === 0) {
      result = cache.read<Result>(key);
      problems = stage.checkOnReuse?.(result) ?? [];
    }
    if (problems.length === 0) return result;
    this.services.logs.append(this.jobId, 'warn', stage.name, `The cached ${stage.name} output failed its check (${problems.join(' ')}); it is discarded and made again.`);
    cache.remove(key);
    this.services.artifacts.delete(key);
    return null;
  }

  private async runAttempts<Params, Result>(stage: StageDeclaration<Params, Result>, key: string, params: Params, timing: { startedMs: number }) {
    const { stages, logs, cache, pools } = this.services;
    const name = stage.name;
    const resource: ResourceClass = stage.placement(params).pool;
    for (let attempt = 1; ; attempt++) {
      stages.upsert(this.jobId, name, { attempts: attempt });
      // A fresh folder per attempt: whatever a dead attempt's helpers still write goes nowhere a
      // later attempt reads.
      const temporary = cache.createTemporary(key);
      try {
        const outcome = await pools[resource].run(
          { taskId: randomUUID(), stage: name, params, outDir: temporary, artifactsRoot: cache.root },
          {
            signal: this.signal,
            quietMs: stage.quietMs?.(params),
            onStart: (pid) =>
              this.record(() => {
                if (attempt === 1) {
                  timing.startedMs = Date.now();
                  stages.upsert(this.jobId, name, { startedMs: timing.startedMs });
                }
                logs.append(this.jobId, 'info', name, `Stage ${name} started on worker ${pid ?? '?'} (attempt ${attempt}).`);
              }),
            onLog: (level, message) => this.record(() => logs.append(this.jobId, level, name, message)),
            onProgress: (fraction) => this.record(() => this.reportStageProgress(name, fraction)),
          },
        );
        this.throwIfStopped();
        await checkStageOutput(stage, params, temporary, outcome.result);
        this.assertLeaseHeld();
        const committed = cache.commit(key, temporary, outcome.result);
        return { result: outcome.result as Result, committed, executionProvider: outcome.executionProvider };
      } catch (error) {
        cache.discard(temporary);
        if (this.storageFailure) throw this.storageFailure;
        const workerDied = error instanceof RedubError && workerDeathCodes.includes(error.code);
        if (!workerDied || attempt > workerFailureRetries || this.signal.aborted) throw error;
        logs.append(this.jobId, 'warn', name, `${error.message} ${error.details.join(' ')} Retrying the stage on a fresh worker.`);
      }
    }
  }

  /**
   * Runs a write made from a worker's message (a log line, progress). Such a write runs inside an
   * event handler, where a throw would crash the process: a storage failure is kept instead and
   * stops the stage, which then fails with it.
   */
  private record(write: () => void): void {
    try {
      write();
    } catch (error) {
      this.storageFailure ??= error instanceof RedubError ? error : RedubError.fromData(toErrorData(error));
      this.storageAbort.abort();
    }
  }

  /** Throws once the job is cancelled or a stage of it failed to record: nothing more may start. */
  throwIfStopped(): void {
    if (this.storageFailure) throw this.storageFailure;
    if (this.signal.aborted) throw new RedubError('E_CANCELLED');
  }

  // Each stage's row and the job's progress are written at most every 250 ms: the row per stage,
  // so a sibling's reports do not starve it, the job's over all of them.
  private reportStageProgress(name: StageName, fraction: number): void {
    const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
    this.inFlight.set(name, Math.max(this.inFlight.get(name) ?? 0, clamped));
    const now = Date.now();
    if (now - (this.lastStageProgressWrite.get(name) ?? 0) >= progressWriteIntervalMs) {
      this.lastStageProgressWrite.set(name, now);
      this.services.stages.upsert(this.jobId, name, { progress: Math.round(clamped * 100) });
    }
    if (now - this.lastProgressWrite < progressWriteIntervalMs) return;
    this.lastProgressWrite = now;
    this.emitProgress(this.tally());
  }

  private finishStage(name: StageName): void {
    this.inFlight.delete(name);
    this.completedWeight += this.weights.get(name) ?? 0;
    // The shares are floats: once every one is in, the job is at 100, not 99.99….
    this.emitProgress(this.completedWeight >= this.totalWeight - 1e-9 ? 100 : this.tally());
  }

  /** The finished stages' shares, and the part done of each stage in flight. */
  private tally(): number {
    let percent = this.completedWeight;
    for (const [name, fraction] of this.inFlight) percent += (this.weights.get(name) ?? 0) * fraction;
    return percent;
  }

  /** Job progress is 0–100, stage-weighted (SPEC §2); the ETA assumes the pace so far holds. */
  private emitProgress(percent: number): void {
    this.shownProgress = Math.max(this.shownProgress, Math.min(100, percent));
    const shown = this.shownProgress;
    const elapsed = Date.now() - this.startedAt;
    const etaMs = shown > 5 && shown < 100 ? Math.round((elapsed * (100 - shown)) / shown) : null;
    this.onProgress(shown, etaMs);
  }

  private output<Result>(key: string, result: Result, reused: boolean): StageOutput<Result> {
    const directory = this.services.cache.directory(key);
    return { key, result, directory, reused, file: (name) => path.join(directory, name) };
  }
}
