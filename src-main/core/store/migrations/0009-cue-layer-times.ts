// Migration 9: cue layer revisions found by when they were made. The event feed asks every poll
// which jobs' cues another process (a `redub cues import`, a second window's core) has revised.
import type { Migration } from '../database.js';

export const migration: Migration = {
  version: 9,
  name: 'cue-layer-times',
  up(db) {
    db.exec(`CREATE INDEX cue_layers_by_time ON cue_layers (created_ms);`);
  },
};
