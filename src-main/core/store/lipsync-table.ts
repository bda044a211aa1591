// Owns the lipsync_segments and audio_refs tables: a job's lip-sync plan and the audio it uses.
import type { Statement } from 'better-sqlite3';
import type { LipSyncSegment } from '../../shared/lipsync.js';
import type { Database } from './database.js';
import { forJob } from './foreign-keys.js';

export interface AudioRef {
  id: string;
  path: string;
  durationMs: number;
}

interface SegmentRow {
  job_id: string;
  id: string;
  start_ms: number;
  end_ms: number;
  audio_ref_id: string;
  crop_start_ms: number | null;
  crop_end_ms: number | null;
  fit: number;
}

export class LipSyncTable {
  private readonly selectSegments: Statement<[string], SegmentRow>;
  private readonly insertSegment: Statement<[SegmentRow]>;
  private readonly removeSegments: Statement<[string]>;
  private readonly upsertAudio: Statement<[string, string, string, number]>;
  private readonly selectAudio: Statement<[string], AudioRef>;
  private readonly replaceAll: (jobId: string, segments: readonly LipSyncSegment[]) => void;

  constructor(db: Database) {
    this.selectSegments = db.prepare<[string], SegmentRow>('SELECT * FROM lipsync_segments WHERE job_id = ? ORDER BY start_ms, id');
    this.insertSegment = db.prepare<[SegmentRow]>(
      `INSERT INTO lipsync_segments (job_id, id, start_ms, end_ms, audio_ref_id, crop_start_ms, crop_end_ms, fit)
       VALUES (@job_id, @id, @start_ms, @end_ms, @audio_ref_id, @crop_start_ms, @crop_end_ms, @fit)`,
    );
    this.removeSegments = db.prepare('DELETE FROM lipsync_segments WHERE job_id = ?');
    this.upsertAudio = db.prepare(
      `INSERT INTO audio_refs (job_id, id, path, duration_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (job_id, id) DO UPDATE SET path = excluded.path, duration_ms = excluded.duration_ms`,
    );
    this.selectAudio = db.prepare<[string], AudioRef>('SELECT id, path, duration_ms AS durationMs FROM audio_refs WHERE job_id = ? ORDER BY id');

    this.replaceAll = db.transaction((jobId: string, segments: readonly LipSyncSegment[]) => {
      this.removeSegments.run(jobId);
      for (const segment of segments) {
        this.insertSegment.run({
          job_id: jobId, id: segment.id, start_ms: segment.startMs, end_ms: segment.endMs,
          audio_ref_id: segment.audio.refId, crop_start_ms: segment.audio.cropStartMs ?? null,
          crop_end_ms: segment.audio.cropEndMs ?? null, fit: segment.fit ? 1 : 0,
        });
      }
    });
  }

  replaceSegments(jobId: string, segments: readonly LipSyncSegment[]): void {
    forJob(jobId, () => this.replaceAll(jobId, segments));
  }

  /** Ordered by start time, the order the timeline draws and the renderer applies them. */
  segments(jobId: string): LipSyncSegment[] {
    return this.selectSegments.all(jobId).map((row) => {
      const audio: LipSyncSegment['audio'] = { refId: row.audio_ref_id };
      if (row.crop_start_ms !== null) audio.cropStartMs = row.crop_start_ms;
      if (row.crop_end_ms !== null) audio.cropEndMs = row.crop_end_ms;
      return { id: row.id, startMs: row.start_ms, endMs: row.end_ms, audio, fit: row.fit === 1 };
    });
  }

  addAudio(jobId: string, ref: AudioRef): void {
    forJob(jobId, () => this.upsertAudio.run(jobId, ref.id, ref.path, ref.durationMs));
  }

  audio(jobId: string): AudioRef[] {
    return this.selectAudio.all(jobId);
  }
}
