// Migration 2: each job's cues (the timeline's rows) and the shared stage-artifact cache.
import type { Migration } from '../database.js';

export const migration: Migration = {
  version: 2,
  name: 'cues-artifacts',
  up(db) {
    db.exec(`
      CREATE TABLE cues (
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        source_text TEXT NOT NULL DEFAULT '',
        target_text TEXT NOT NULL DEFAULT '',
        speed_factor REAL,
        placed_start_ms INTEGER,
        placed_end_ms INTEGER,
        flag TEXT,
        PRIMARY KEY (job_id, idx)
      );

      -- Artifacts are keyed by a hash of their inputs, not by job: jobs share them.
      CREATE TABLE artifacts (
        key TEXT PRIMARY KEY,
        stage TEXT NOT NULL,
        path TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        created_ms INTEGER NOT NULL,
        last_used_ms INTEGER NOT NULL
      );
      -- Pruning removes the least recently used first.
      CREATE INDEX artifacts_last_used ON artifacts (last_used_ms);
    `);
  },
};
