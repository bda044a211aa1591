// Owns the stages table: one record per job and stage, read back as the full ordered stage list.
import type { Statement } from 'better-sqlite3';
import type { RedubErrorData } from '../../shared/errors.js';
import type { StageName, StageRecord, StageState } from '../../shared/jobs.js';
import type { Database } from './database.js';
import { forJob } from './foreign-keys.js';
import { errorColumn, parseErrorColumn } from './json-columns.js';

export interface StageFields {
  state: StageState;
  progress: number;
  reused: boolean;
  attempts: number;
  startedMs: number | null;
  finishedMs: number | null;
  durationMs: number | null;
  executionProvider: string | null;
  artifactKey: string | null;
  error: RedubErrorData | null;
}

export type StagePatch = Partial<StageFields>;

interface StageRow {
  job_id: string;
  name: string;
  state: string;
  progress: number;
  reused: number;
  attempts: number;
  started_ms: number | null;
  finished_ms: number | null;
  duration_ms: number | null;
  execution_provider: string | null;
  artifact_key: string | null;
  error_json: string | null;
}

const pending: StageFields = {
  state: 'pending', progress: 0, reused: false, attempts: 0, startedMs: null, finishedMs: null, durationMs: null,
  executionProvider: null, artifactKey: null, error: null,
};

export class StageTable {
  private readonly selectOne: Statement<[string, string], StageRow>;
  private readonly selectAll: Statement<[string], StageRow>;
  private readonly write: Statement<[StageRow]>;
  private readonly removeAll: Statement<[string]>;
  private readonly keysOfJobs: Statement<[string], string>;
  private readonly patchTransaction: (jobId: string, name: StageName, patch: StagePatch) => void;

  constructor(db: Database) {
    this.selectOne = db.prepare<[string, string], StageRow>('SELECT * FROM stages WHERE job_id = ? AND name = ?');
    this.selectAll = db.prepare<[string], StageRow>('SELECT * FROM stages WHERE job_id = ?');
    this.write = db.prepare<[StageRow]>(
      `INSERT INTO stages (job_id, name, state, progress, reused, attempts, started_ms, finished_ms, duration_ms,
         execution_provider, artifact_key, error_json)
       VALUES (@job_id, @name, @state, @progress, @reused, @attempts, @started_ms, @finished_ms, @duration_ms,
         @execution_provider, @artifact_key, @error_json)
       ON CONFLICT (job_id, name) DO UPDATE SET state = excluded.state, progress = excluded.progress,
         reused = excluded.reused, attempts = excluded.attempts, started_ms = excluded.started_ms,
         finished_ms = excluded.finished_ms, duration_ms = excluded.duration_ms,
         execution_provider = excluded.execution_provider, artifact_key = excluded.artifact_key,
         error_json = excluded.error_json`,
    );
    this.removeAll = db.prepare<[string]>('DELETE FROM stages WHERE job_id = ?');
    this.keysOfJobs = db
      .prepare<[string], string>(
        `SELECT DISTINCT s.artifact_key FROM stages s JOIN jobs j ON j.id = s.job_id
         WHERE s.artifact_key IS NOT NULL AND j.state IN (SELECT value FROM json_each(?))`,
      )
      .pluck();
    // Read-merge-write keeps one statement for every patch shape, and `null` distinct from "not given".
    this.patchTransaction = db.transaction((jobId: string, name: StageName, patch: StagePatch) => {
      const existing = this.selectOne.get(jobId, name);
      const merged: StageFields = { ...(existing ? fromRow(existing) : pending), ...definedOnly(patch) };
      this.write.run(toRow(jobId, name, merged));
    });
  }

  upsert(jobId: string, name: StageName, patch: StagePatch): void {
    forJob(jobId, () => this.patchTransaction(jobId, name, patch));
  }

  /**
   * Every stage in `order` (the pipeline's), a stage never written reading as pending; then any
   * stage on record that the pipeline no longer has, so nothing recorded is hidden.
   */
  list(jobId: string, order: readonly StageName[]): StageRecord[] {
    const rows = new Map(this.selectAll.all(jobId).map((row) => [row.name, row]));
    const names = [...order, ...[...rows.keys()].filter((name) => !order.includes(name))];
    return names.map((name) => {
      const row = rows.get(name);
      const fields = row ? fromRow(row) : pending;
      return {
        name, state: fields.state, progress: fields.progress, reused: fields.reused, ms: fields.durationMs,
        attempts: fields.attempts, executionProvider: fields.executionProvider, error: fields.error,
      };
    });
  }

  artifactKey(jobId: string, name: StageName): string | null {
    return this.selectOne.get(jobId, name)?.artifact_key ?? null;
  }

  /** The artifact keys the last run of every job in one of `states` used: what pruning keeps. */
  artifactKeysOfJobs(states: readonly string[]): Set<string> {
    return new Set(this.keysOfJobs.all(JSON.stringify(states)));
  }

  reset(jobId: string): void {
    this.removeAll.run(jobId);
  }
}

function definedOnly(patch: StagePatch): StagePatch {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as StagePatch;
}

function fromRow(row: StageRow): StageFields {
  return {
    state: row.state as StageState, progress: row.progress, reused: row.reused === 1, attempts: row.attempts,
    startedMs: row.started_ms, finishedMs: row.finished_ms, durationMs: row.duration_ms,
    executionProvider: row.execution_provider, artifactKey: row.artifact_key, error: parseErrorColumn(row.error_json),
  };
}

function toRow(jobId: string, name: StageName, fields: StageFields): StageRow {
  return {
    job_id: jobId, name, state: fields.state, progress: fields.progress, reused: fields.reused ? 1 : 0,
    attempts: fields.attempts, started_ms: fields.startedMs, finished_ms: fields.finishedMs,
    duration_ms: fields.durationMs, execution_provider: fields.executionProvider, artifact_key: fields.artifactKey,
    error_json: errorColumn(fields.error),
  };
}
