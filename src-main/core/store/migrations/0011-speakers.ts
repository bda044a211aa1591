// Migration 11: speakers. Each cue (as the stages made it, and as the job speaks it) may name who
// says it: an ASS actor, a speaker the diarization found, or one a person set. And a job keeps the
// voice a person picked for each speaker, as it keeps its lip-sync segments, where the timeline
// changes them.
import type { Migration } from '../database.js';

export const migration: Migration = {
  version: 11,
  name: 'speakers',
  up(db) {
    db.exec(`
      ALTER TABLE base_cues ADD COLUMN speaker TEXT;
      ALTER TABLE cues ADD COLUMN speaker TEXT;
      CREATE TABLE speaker_voices (
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        speaker TEXT NOT NULL,
        choice_json TEXT NOT NULL,
        PRIMARY KEY (job_id, speaker)
      );
    `);
  },
};
