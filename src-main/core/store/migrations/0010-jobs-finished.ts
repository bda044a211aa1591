// Migration 10: jobs found by when they finished. The stats read the jobs that ended in a window
// (the last day, the last month); without this index every such read walks the whole table.
import type { Migration } from '../database.js';

export const migration: Migration = {
  version: 10,
  name: 'jobs-finished',
  up(db) {
    db.exec(`CREATE INDEX jobs_finished ON jobs (finished_ms);`);
  },
};
