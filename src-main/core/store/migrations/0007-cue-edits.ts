// Migration 7: a person's cue edits as a layer of their own. base_cues keeps what the stages made
// (the last translate run), cue_layers every revision of the person's layer over it (undo goes
// back to one), and each rendered cue records which cue it was, so a changed one reads as stale.
import type { Migration } from '../database.js';

export const migration: Migration = {
  version: 7,
  name: 'cue-edits',
  up(db) {
    db.exec(`
      CREATE TABLE base_cues (
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        source_text TEXT NOT NULL,
        target_text TEXT NOT NULL,
        PRIMARY KEY (job_id, idx)
      );
      CREATE TABLE cue_layers (
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        revision INTEGER NOT NULL,
        layer_json TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (job_id, revision)
      );
      ALTER TABLE cues ADD COLUMN cue_id TEXT;
      ALTER TABLE jobs ADD COLUMN rendered_cue_revision INTEGER;
    `);
  },
};
