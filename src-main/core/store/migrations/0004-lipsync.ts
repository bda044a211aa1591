// Migration 4: lip-sync segments and the audio files a user added to a job for them.
import type { Migration } from '../database.js';

export const migration: Migration = {
  version: 4,
  name: 'lipsync',
  up(db) {
    db.exec(`
      CREATE TABLE lipsync_segments (
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        audio_ref_id TEXT NOT NULL,
        crop_start_ms INTEGER,
        crop_end_ms INTEGER,
        fit INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (job_id, id)
      );

      CREATE TABLE audio_refs (
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        path TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        PRIMARY KEY (job_id, id)
      );
    `);
  },
};
