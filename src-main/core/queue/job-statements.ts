// Owns the SQL of the jobs table, prepared once per connection. Every state change carries its
// expected current state (and, for the lease holder, its allocation id) in the WHERE clause, so
// a change that lost a race touches no row instead of overwriting the winner.
import type { JobState } from '../../shared/jobs.js';
import type { Database } from '../store/database.js';
import type { JobTableRow } from './job-row.js';

interface InsertParams {
  id: string;
  idempotencyKey: string;
  inputPath: string;
  language: string;
  sourceLanguage: string | null;
  optionsJson: string;
  priority: number;
  maxAttempts: number;
  now: number;
}

interface ListParams {
  states: string | null;
  search: string | null;
  limit: number;
  offset: number;
}

interface HolderParams {
  id: string;
  allocationId: string;
  now: number;
}

export function prepareJobStatements(db: Database) {
  const holder = "id = @id AND allocation_id = @allocationId AND state = 'running'";
  const filter = `(@states IS NULL OR state IN (SELECT value FROM json_each(@states)))
    AND (@search IS NULL OR instr(lower(input_path), lower(@search)) > 0)`;
  return {
    select: db.prepare<[string], JobTableRow>('SELECT * FROM jobs WHERE id = ?'),
    selectByKey: db.prepare<[string], JobTableRow>('SELECT * FROM jobs WHERE idempotency_key = ?'),
    selectRunning: db.prepare<[], JobTableRow>("SELECT * FROM jobs WHERE state = 'running' ORDER BY created_ms"),
    selectExpired: db.prepare<[number], JobTableRow>("SELECT * FROM jobs WHERE state = 'running' AND lease_expires_ms <= ? ORDER BY created_ms"),
    refundAttempt: db.prepare<[string]>('UPDATE jobs SET attempts = attempts - 1 WHERE id = ? AND attempts > 0'),
    changedSince: db.prepare<[number], JobTableRow>('SELECT * FROM jobs WHERE updated_ms >= ? ORDER BY updated_ms, rowid'),
    list: db.prepare<[ListParams], JobTableRow>(
      `SELECT * FROM jobs WHERE ${filter} ORDER BY created_ms DESC, rowid DESC LIMIT @limit OFFSET @offset`,
    ),
    count: db.prepare<[Omit<ListParams, 'limit' | 'offset'>], number>(`SELECT count(*) FROM jobs WHERE ${filter}`).pluck(),
    insert: db.prepare<[InsertParams]>(
      `INSERT INTO jobs (id, idempotency_key, input_path, language, source_language, options_json, state, priority,
         max_attempts, created_ms, updated_ms)
       VALUES (@id, @idempotencyKey, @inputPath, @language, @sourceLanguage, @optionsJson, 'queued', @priority,
         @maxAttempts, @now, @now)`,
    ),
    claimCandidate: db.prepare<[{ now: number; only: string | null }], Pick<JobTableRow, 'id' | 'state' | 'allocation_id'>>(
      `SELECT id, state, allocation_id FROM jobs
       WHERE (state = 'queued' OR (state = 'retry_wait' AND run_after_ms <= @now))
         AND (@only IS NULL OR id IN (SELECT value FROM json_each(@only)))
       ORDER BY priority DESC, created_ms ASC, rowid ASC LIMIT 1`,
    ),
    claim: db.prepare<[{ id: string; from: JobState; readAllocationId: string | null; allocationId: string; owner: string; leaseExpiresMs: number; now: number }]>(
      `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = @owner, lease_expires_ms = @leaseExpiresMs,
         allocation_id = @allocationId, started_ms = COALESCE(started_ms, @now), eta_ms = NULL, updated_ms = @now
       WHERE id = @id AND state = @from AND allocation_id IS @readAllocationId`,
    ),
    renew: db.prepare<[HolderParams & { leaseExpiresMs: number }]>(
      `UPDATE jobs SET lease_expires_ms = @leaseExpiresMs, updated_ms = @now WHERE ${holder}`,
    ),
    progress: db.prepare<[HolderParams & { progress: number; etaMs: number | null }]>(
      `UPDATE jobs SET progress = @progress, eta_ms = @etaMs, updated_ms = @now WHERE ${holder}`,
    ),
    detectedLanguage: db.prepare<[{ id: string; language: string; now: number }]>(
      `UPDATE jobs SET source_language = @language, updated_ms = @now WHERE id = @id AND source_language IS NULL`,
    ),
    complete: db.prepare<[HolderParams & { outputsJson: string }]>(
      `UPDATE jobs SET state = 'done', outputs_json = @outputsJson, progress = 100, eta_ms = NULL, error_json = NULL,
         lease_owner = NULL, lease_expires_ms = NULL, finished_ms = @now, updated_ms = @now
       WHERE ${holder}`,
    ),
    fail: db.prepare<[HolderParams & { to: JobState; errorJson: string; runAfterMs: number; finishedMs: number | null }]>(
      `UPDATE jobs SET state = @to, error_json = @errorJson, run_after_ms = @runAfterMs, eta_ms = NULL,
         lease_owner = NULL, lease_expires_ms = NULL, finished_ms = @finishedMs, updated_ms = @now
       WHERE ${holder}`,
    ),
    requeueInterrupted: db.prepare<[{ id: string; allocationId: string | null; now: number }]>(
      `UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_expires_ms = NULL, eta_ms = NULL, updated_ms = @now
       WHERE id = @id AND state = 'running' AND allocation_id IS @allocationId`,
    ),
    // A fresh start: what the last run left (attempts, error, timings, outputs) no longer applies.
    resetToQueued: db.prepare<[{ id: string; from: JobState; now: number }]>(
      `UPDATE jobs SET state = 'queued', attempts = 0, error_json = NULL, run_after_ms = 0, progress = 0, eta_ms = NULL,
         lease_owner = NULL, lease_expires_ms = NULL, started_ms = NULL, finished_ms = NULL, outputs_json = '{}',
         updated_ms = @now
       WHERE id = @id AND state = @from`,
    ),
    cancel: db.prepare<[{ id: string; from: JobState; errorJson: string; now: number }]>(
      `UPDATE jobs SET state = 'cancelled', error_json = @errorJson, eta_ms = NULL, lease_owner = NULL,
         lease_expires_ms = NULL, finished_ms = @now, updated_ms = @now
       WHERE id = @id AND state = @from`,
    ),
    delete: db.prepare<[string]>('DELETE FROM jobs WHERE id = ?'),
    selectMedia: db.prepare<[string], string | null>('SELECT media_json FROM jobs WHERE id = ?').pluck(),
    updateMedia: db.prepare<[string, string]>('UPDATE jobs SET media_json = ? WHERE id = ?'),
    selectRenderedRevision: db.prepare<[string], number | null>('SELECT rendered_cue_revision FROM jobs WHERE id = ?').pluck(),
    updateRenderedRevision: db.prepare<[number, string]>('UPDATE jobs SET rendered_cue_revision = ? WHERE id = ?'),
    selectStats: db.prepare<[string], string>('SELECT stats_json FROM jobs WHERE id = ?').pluck(),
    updateStats: db.prepare<[string, string]>('UPDATE jobs SET stats_json = ? WHERE id = ?'),
  };
}

export type JobStatements = ReturnType<typeof prepareJobStatements>;
