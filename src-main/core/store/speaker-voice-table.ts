// Owns the speaker_voices table: the voice a person picked for each speaker of a job. The job's
// options hold the picks it was queued with; these are the picks as they stand now, which the
// timeline and the API change and the synthesize stage reads when the job runs.
import type { Statement } from 'better-sqlite3';
import { speechChoiceSchema, type SpeechChoice } from '../pipeline/dub-options.js';
import type { Database } from './database.js';
import { forJob } from './foreign-keys.js';
import { parseJsonColumn } from './json-columns.js';

export class SpeakerVoiceTable {
  private readonly select: Statement<[string], { speaker: string; choice_json: string }>;
  private readonly replaceAll: (jobId: string, voices: Record<string, SpeechChoice>) => void;

  constructor(db: Database) {
    this.select = db.prepare<[string], { speaker: string; choice_json: string }>('SELECT speaker, choice_json FROM speaker_voices WHERE job_id = ? ORDER BY speaker');
    const remove = db.prepare<[string]>('DELETE FROM speaker_voices WHERE job_id = ?');
    const insert = db.prepare<[string, string, string]>('INSERT INTO speaker_voices (job_id, speaker, choice_json) VALUES (?, ?, ?)');
    this.replaceAll = db.transaction((jobId: string, voices: Record<string, SpeechChoice>) => {
      remove.run(jobId);
      for (const [speaker, choice] of Object.entries(voices)) insert.run(jobId, speaker, JSON.stringify(choice));
    });
  }

  replace(jobId: string, voices: Record<string, SpeechChoice>): void {
    forJob(jobId, () => this.replaceAll(jobId, voices));
  }

  /** The picks; a row that no longer reads as a voice (hand-edited) is left out, so its speaker takes the default. */
  voices(jobId: string): Record<string, SpeechChoice> {
    const voices: Record<string, SpeechChoice> = {};
    for (const row of this.select.all(jobId)) {
      const parsed = speechChoiceSchema.safeParse(parseJsonColumn(row.choice_json, null));
      if (parsed.success) voices[row.speaker] = parsed.data;
    }
    return voices;
  }
}
