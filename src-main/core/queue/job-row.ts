// Owns the in-memory shape of a jobs-table row and its decoding from SQLite's snake_case.
import type { RedubErrorData } from '../../shared/errors.js';
import { jobOutputKinds, type JobOutputs, type JobState } from '../../shared/jobs.js';
import { parseErrorColumn, parseJsonColumn } from '../store/json-columns.js';

export interface JobRow {
  id: string;
  idempotencyKey: string;
  inputPath: string;
  language: string;
  sourceLanguage: string | null;
  options: unknown;
  state: JobState;
  priority: number;
  attempts: number;
  maxAttempts: number;
  runAfterMs: number;
  leaseOwner: string | null;
  leaseExpiresMs: number | null;
  allocationId: string | null;
  progress: number;
  etaMs: number | null;
  error: RedubErrorData | null;
  outputs: JobOutputs;
  createdMs: number;
  updatedMs: number;
  startedMs: number | null;
  finishedMs: number | null;
}

/** A jobs row as better-sqlite3 returns it. */
export interface JobTableRow {
  id: string;
  idempotency_key: string;
  input_path: string;
  language: string;
  source_language: string | null;
  options_json: string;
  state: JobState;
  priority: number;
  attempts: number;
  max_attempts: number;
  run_after_ms: number;
  lease_owner: string | null;
  lease_expires_ms: number | null;
  allocation_id: string | null;
  progress: number;
  eta_ms: number | null;
  error_json: string | null;
  outputs_json: string;
  created_ms: number;
  updated_ms: number;
  started_ms: number | null;
  finished_ms: number | null;
}

export function decodeJobRow(row: JobTableRow): JobRow {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    inputPath: row.input_path,
    language: row.language,
    sourceLanguage: row.source_language,
    options: parseJsonColumn(row.options_json, null),
    state: row.state,
    priority: row.priority,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAfterMs: row.run_after_ms,
    leaseOwner: row.lease_owner,
    leaseExpiresMs: row.lease_expires_ms,
    allocationId: row.allocation_id,
    progress: row.progress,
    etaMs: row.eta_ms,
    error: parseErrorColumn(row.error_json),
    outputs: decodeOutputs(row.outputs_json),
    createdMs: row.created_ms,
    updatedMs: row.updated_ms,
    startedMs: row.started_ms,
    finishedMs: row.finished_ms,
  };
}

function decodeOutputs(text: string): JobOutputs {
  const value = parseJsonColumn(text, {});
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const outputs: JobOutputs = {};
  for (const key of jobOutputKinds) {
    const path = (value as Record<string, unknown>)[key];
    if (typeof path === 'string') outputs[key] = path;
  }
  return outputs;
}
