// Migration 3: per-job log lines, read in pages by id.
import type { Migration } from '../database.js';

export const migration: Migration = {
  version: 3,
  name: 'logs',
  up(db) {
    db.exec(`
      CREATE TABLE logs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        at_ms INTEGER NOT NULL,
        level TEXT NOT NULL,
        stage TEXT,
        message TEXT NOT NULL
      );
      CREATE INDEX logs_job ON logs (job_id, id);
    `);
  },
};
