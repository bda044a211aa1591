// Migration 6: per-job statistics of the last run (how many cues were synthesized anew), kept
// apart from outputs because they describe the work, not its results.
import type { Migration } from '../database.js';

export const migration: Migration = {
  version: 6,
  name: 'job-stats',
  up(db) {
    db.exec(`ALTER TABLE jobs ADD COLUMN stats_json TEXT NOT NULL DEFAULT '{}';`);
  },
};
