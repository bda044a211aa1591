// Owns the jobs table, the durable queue (SPEC §2): enqueueing, claiming under a lease, settling
// attempts, the commands people give jobs, and each job's statistics. The records kept beside
// each job (stages, cues, logs, …) have repositories of their own (store/store.ts).
import { randomUUID } from 'node:crypto';
import { RedubError, type RedubErrorData } from '../../shared/errors.js';
import type { JobOutputs, JobState } from '../../shared/jobs.js';
import type { Database } from '../store/database.js';
import { retryDelayMs } from './backoff.js';
import { decodeJobRow, type JobRow } from './job-row.js';
import { prepareJobStatements, type JobStatements } from './job-statements.js';
import { assertTransition } from './transitions.js';

import type { LogTable } from '../store/log-table.js';
import type { SettingsTable } from '../store/settings-table.js';

export type { JobRow } from './job-row.js';

export interface NewJob {
  idempotencyKey: string;
  inputPath: string;
  language: string;
  sourceLanguage: string | null;
  options: unknown;
  priority?: number;
  maxAttempts?: number;
}

export interface JobQueueOptions {
  clock?: () => number;
  random?: () => number;
  retryBaseMs?: number;
}

export interface JobListQuery {
  states?: readonly JobState[];
  limit?: number;
  offset?: number;
  /** Matches a substring of the input path, ignoring case. */
  search?: string;
}

const pausedKey = 'queue.paused';

/** Told a job's id after this connection committed a change of its state, or its deletion. */
export type JobChangeListener = (id: string) => void;

export interface JobMedia {
  durationMs: number;
  fps: number;
}

export interface JobStats {
  cuesSynthesized?: number;
}

export class JobQueue {
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly retryBaseMs: number;
  private readonly sql: JobStatements;
  private readonly changeListeners = new Set<JobChangeListener>();
  /** Jobs a claim put back (their lease ran out), announced once the claim has committed. */
  private readonly changedInClaim: string[] = [];

  constructor(
    private readonly db: Database,
    private readonly tables: { settings: SettingsTable; logs: LogTable },
    options: JobQueueOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.sql = prepareJobStatements(db);
  }

  // ── Jobs ────────────────────────────────────────────────────────────────────────────────

  /** Idempotent on the key, so dropping the same video twice, or a client retrying a request,
   * never makes a second job. A failed or cancelled job under that key is started again. */
  enqueue(job: NewJob): { job: JobRow; created: boolean } {
    const outcome = this.db.transaction(() => {
      const existing = this.sql.selectByKey.get(job.idempotencyKey);
      if (existing) {
        if (existing.state === 'failed' || existing.state === 'cancelled') this.resetToQueued(existing.id, existing.state);
        return { job: this.require(existing.id), created: false };
      }
      const id = randomUUID();
      this.sql.insert.run({
        id, idempotencyKey: job.idempotencyKey, inputPath: job.inputPath, language: job.language,
        sourceLanguage: job.sourceLanguage, optionsJson: JSON.stringify(job.options ?? null),
        priority: job.priority ?? 0, maxAttempts: job.maxAttempts ?? 3, now: this.clock(),
      });
      return { job: this.require(id), created: true };
    }).immediate();
    this.didChange(outcome.job.id);
    return outcome;
  }

  get(id: string): JobRow | null {
    const row = this.sql.select.get(id);
    return row ? decodeJobRow(row) : null;
  }

  require(id: string): JobRow {
    const job = this.get(id);
    if (!job) throw new RedubError('E_JOB_NOT_FOUND', { details: [`No job has the id ${id}.`] });
    return job;
  }

  /** Newest first. */
  list(query: JobListQuery = {}): JobRow[] {
    const rows = this.sql.list.all({ ...filterParams(query), limit: query.limit ?? -1, offset: query.offset ?? 0 });
    return rows.map(decodeJobRow);
  }

  count(query: Pick<JobListQuery, 'states' | 'search'> = {}): number {
    return this.sql.count.get(filterParams(query)) ?? 0;
  }

  // ── Leases: only the process holding a job's allocation id may touch its attempt ─────────

  /** Takes the best runnable job (priority, then age) for `owner`; null when there is none or
   * the queue is paused. `onlyJobIds` keeps a CLI run to the jobs it queued itself. */
  claimNext(owner: string, leaseMs: number, onlyJobIds?: readonly string[]): JobRow | null {
    const claimed = this.db.transaction((): JobRow | null => {
      if (this.isPaused()) return null;
      const now = this.clock();
      this.requeueExpired(now);
      const candidate = this.sql.claimCandidate.get({ now, only: onlyJobIds ? JSON.stringify(onlyJobIds) : null });
      if (!candidate) return null;
      assertTransition(candidate.state, 'running');
      const claimed = this.sql.claim.run({
        id: candidate.id, from: candidate.state, readAllocationId: candidate.allocation_id, allocationId: randomUUID(),
        owner, leaseExpiresMs: now + leaseMs, now,
      });
      return claimed.changes === 1 ? this.require(candidate.id) : null;
    }).immediate();
    for (const id of this.changedInClaim.splice(0)) this.didChange(id);
    if (claimed) this.didChange(claimed.id);
    return claimed;
  }

  /** Whether `allocationId` is still the running attempt of the job: only its holder may publish. */
  holdsLease(id: string, allocationId: string): boolean {
    const row = this.sql.select.get(id);
    return row !== undefined && row.state === 'running' && row.allocation_id === allocationId;
  }

  renewLease(id: string, allocationId: string, leaseMs: number): boolean {
    const now = this.clock();
    return this.sql.renew.run({ id, allocationId, now, leaseExpiresMs: now + leaseMs }).changes === 1;
  }

  updateProgress(id: string, allocationId: string, progress: number, etaMs: number | null): boolean {
    const clamped = Number.isFinite(progress) ? Math.min(100, Math.max(0, progress)) : 0;
    return this.sql.progress.run({ id, allocationId, now: this.clock(), progress: clamped, etaMs }).changes === 1;
  }

  /** Records the spoken language Whisper detected, for a job whose user did not name it. */
  noteDetectedSourceLanguage(id: string, language: string): void {
    const changed = this.sql.detectedLanguage.run({ id, language, now: this.clock() }).changes === 1;
    if (changed) this.didChange(id);
  }

  complete(id: string, allocationId: string, outputs: JobOutputs): boolean {
    assertTransition('running', 'done');
    const completed = this.sql.complete.run({ id, allocationId, now: this.clock(), outputsJson: JSON.stringify(outputs) }).changes === 1;
    if (completed) this.didChange(id);
    return completed;
  }

  /** Ends the holder's attempt: back off and retry while attempts remain and the error is
   * retryable, otherwise park the job in failed (the dead-letter list). Null for a non-holder. */
  fail(id: string, allocationId: string, error: RedubErrorData, options: { retryable?: boolean; countAttempt?: boolean } = {}): JobState | null {
    const settled = this.db.transaction((): JobState | null => {
      const row = this.sql.select.get(id);
      if (!row || row.state !== 'running' || row.allocation_id !== allocationId) return null;
      const now = this.clock();
      // An attempt that failed through no fault of its own (the database stayed locked by another
      // process) is given back, so contention never pushes a job towards the failed list.
      const refunded = options.countAttempt === false && row.attempts > 0;
      if (refunded) this.sql.refundAttempt.run(id);
      const retry = (options.retryable ?? true) && (refunded || row.attempts < row.max_attempts);
      const to: JobState = retry ? 'retry_wait' : 'failed';
      assertTransition(row.state, to);
      const runAfterMs = retry ? now + retryDelayMs(row.attempts, { baseMs: this.retryBaseMs, random: this.random }) : row.run_after_ms;
      const changed = this.sql.fail.run({
        id, allocationId, now, to, errorJson: JSON.stringify(error), runAfterMs, finishedMs: retry ? null : now,
      });
      return changed.changes === 1 ? to : null;
    }).immediate();
    if (settled) this.didChange(id);
    return settled;
  }

  /**
   * Puts back running jobs whose lease ran out, inside a claim: a holder that stopped renewing
   * (it died, or lost its disk) gives its job up to whichever process claims next, without a
   * restart of anything (as liteque and graphile-worker do).
   */
  private requeueExpired(now: number): void {
    for (const row of this.sql.selectExpired.all(now)) {
      assertTransition(row.state, 'queued');
      if (this.sql.requeueInterrupted.run({ id: row.id, allocationId: row.allocation_id, now }).changes !== 1) continue;
      this.tables.logs.append(row.id, 'warn', null, 'The lease of the process running this job ran out (it stopped or lost its disk); the job resumes from its last finished stage.');
      this.changedInClaim.push(row.id);
    }
  }

  /** A cheap write that fails while the database cannot grow: how a full disk is found to be over. */
  probeWrite(): void {
    this.tables.settings.set('storage.probeMs', this.clock());
  }

  /** Puts back running jobs whose holder is gone: its lease ran out or its process is dead. */
  recoverInterrupted(isOwnerAlive: (owner: string) => boolean): JobRow[] {
    const recovered = this.db.transaction((): JobRow[] => {
      const now = this.clock();
      const recovered: JobRow[] = [];
      for (const row of this.sql.selectRunning.all()) {
        const expired = row.lease_expires_ms === null || row.lease_expires_ms <= now;
        const orphaned = row.lease_owner === null || !isOwnerAlive(row.lease_owner);
        if (!expired && !orphaned) continue;
        assertTransition(row.state, 'queued');
        if (this.sql.requeueInterrupted.run({ id: row.id, allocationId: row.allocation_id, now }).changes === 1) {
          recovered.push(this.require(row.id));
        }
      }
      return recovered;
    }).immediate();
    for (const job of recovered) this.didChange(job.id);
    return recovered;
  }

  // ── Commands from people (CLI, API, renderer) ───────────────────────────────────────────

  /** A running job's holder learns of it on its next lease check, and its settle calls fail. */
  cancel(id: string): JobRow {
    let changed = false;
    const cancelled = this.db.transaction((): JobRow => {
      const job = this.require(id);
      if (job.state === 'cancelled') return job;
      assertTransition(job.state, 'cancelled');
      const errorJson = JSON.stringify(new RedubError('E_CANCELLED').toData());
      changed = this.sql.cancel.run({ id, from: job.state, errorJson, now: this.clock() }).changes === 1;
      return this.require(id);
    }).immediate();
    if (changed) this.didChange(id);
    return cancelled;
  }

  retry(id: string): JobRow {
    return this.restart(id, ['failed', 'cancelled']);
  }

  /** Re-dubs a finished job, for when its outputs were deleted or moved. */
  requeueDone(id: string): JobRow {
    return this.restart(id, ['done']);
  }

  delete(id: string): void {
    this.db.transaction(() => {
      const job = this.require(id);
      if (job.state === 'running') {
        throw new RedubError('E_JOB_STATE', { message: `Job ${id} is running; cancel it first, then delete it.` });
      }
      this.sql.delete.run(id);
    }).immediate();
    this.didChange(id);
  }

  /** Jobs whose row changed at or after `ms` (state, progress, lease), oldest change first: how
   * a follower finds what other processes changed. */
  changedSince(ms: number): JobRow[] {
    return this.sql.changedSince.all(ms).map(decodeJobRow);
  }

  /** Calls `listener` after every state change (and deletion) this connection commits, so a
   * follower in this process sees each transition, even two that land between its polls. */
  onDidChangeJob(listener: JobChangeListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  isPaused(): boolean {
    return this.tables.settings.get<boolean>(pausedKey, false) === true;
  }

  setPaused(paused: boolean): void {
    this.tables.settings.set(pausedKey, paused);
  }

  /** What the probe found of the job's video: the bounds of its cues and the frames edges snap to. */
  media(jobId: string): JobMedia | null {
    const json = this.sql.selectMedia.get(jobId);
    return json ? (JSON.parse(json) as JobMedia) : null;
  }

  setMedia(jobId: string, media: JobMedia): void {
    this.sql.updateMedia.run(JSON.stringify(media), jobId);
  }

  /** The cue-layer revision the job's dub was last rendered from. */
  renderedCueRevision(jobId: string): number | null {
    return this.sql.selectRenderedRevision.get(jobId) ?? null;
  }

  setRenderedCueRevision(jobId: string, revision: number): void {
    this.sql.updateRenderedRevision.run(revision, jobId);
  }

  /** Statistics of the job's last run, e.g. how many cues were synthesized anew. */
  stats(jobId: string): JobStats {
    const json = this.sql.selectStats.get(jobId);
    return json ? (JSON.parse(json) as JobStats) : {};
  }

  setStats(jobId: string, stats: JobStats): void {
    this.sql.updateStats.run(JSON.stringify(stats), jobId);
  }

  // ── Internals ───────────────────────────────────────────────────────────────────────────

  private restart(id: string, from: readonly JobState[]): JobRow {
    const restarted = this.db.transaction((): JobRow => {
      const job = this.require(id);
      if (!from.includes(job.state)) {
        throw new RedubError('E_JOB_STATE', { message: `Job ${id} is ${job.state}; only a ${from.join(' or ')} job can be started again.` });
      }
      this.resetToQueued(id, job.state);
      return this.require(id);
    }).immediate();
    this.didChange(id);
    return restarted;
  }

  private didChange(id: string): void {
    for (const listener of this.changeListeners) {
      // The change is committed; a listener's failure must not turn it into an error for the caller.
      try {
        listener(id);
      } catch {
        // Listeners report their own failures.
      }
    }
  }

  private resetToQueued(id: string, from: JobState): void {
    assertTransition(from, 'queued');
    this.sql.resetToQueued.run({ id, from, now: this.clock() });
  }
}

function filterParams(query: Pick<JobListQuery, 'states' | 'search'>): { states: string | null; search: string | null } {
  return { states: query.states ? JSON.stringify(query.states) : null, search: query.search ? query.search : null };
}
