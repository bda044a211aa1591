// Migration 1: the job queue and each job's per-stage record.
import type { Migration } from '../database.js';

export const migration: Migration = {
  version: 1,
  name: 'jobs',
  up(db) {
    db.exec(`
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        input_path TEXT NOT NULL,
        language TEXT NOT NULL,
        source_language TEXT,
        options_json TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'retry_wait', 'done', 'failed', 'cancelled')),
        priority INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL DEFAULT 3,
        run_after_ms INTEGER NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_expires_ms INTEGER,
        allocation_id TEXT,
        progress REAL NOT NULL DEFAULT 0,
        eta_ms INTEGER,
        error_json TEXT,
        outputs_json TEXT NOT NULL DEFAULT '{}',
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        started_ms INTEGER,
        finished_ms INTEGER
      );
      -- Claiming filters by state and walks priority then age; listing walks age.
      CREATE INDEX jobs_claim ON jobs (state, priority DESC, created_ms ASC);
      CREATE INDEX jobs_created ON jobs (created_ms);

      CREATE TABLE stages (
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        progress REAL NOT NULL DEFAULT 0,
        reused INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        started_ms INTEGER,
        finished_ms INTEGER,
        duration_ms INTEGER,
        execution_provider TEXT,
        artifact_key TEXT,
        error_json TEXT,
        PRIMARY KEY (job_id, name)
      );
    `);
  },
};
