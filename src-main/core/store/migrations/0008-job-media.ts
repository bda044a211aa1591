// Migration 8: what the probe found of a job's video (duration, frame rate), kept with the job:
// the bounds every cue edit is checked against and the frames timeline edges snap to.
import type { Migration } from '../database.js';

export const migration: Migration = {
  version: 8,
  name: 'job-media',
  up(db) {
    db.exec(`ALTER TABLE jobs ADD COLUMN media_json TEXT;`);
  },
};
