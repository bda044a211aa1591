// Owns the cues table: the timeline's rows for one job, addressed by their index.
import type { Statement } from 'better-sqlite3';
import { RedubError } from '../../shared/errors.js';
import type { CueFitFlag, CueRecord } from '../../shared/jobs.js';
import type { Database } from './database.js';
import { forJob } from './foreign-keys.js';

export type CuePatch = Pick<CueRecord, 'index'> & Partial<CueRecord>;

interface CueRow {
  job_id: string;
  idx: number;
  start_ms: number;
  end_ms: number;
  source_text: string;
  target_text: string;
  speed_factor: number | null;
  placed_start_ms: number | null;
  placed_end_ms: number | null;
  flag: string | null;
  cue_id: string | null;
  speaker: string | null;
}

export class CueTable {
  private readonly selectAll: Statement<[string], CueRow>;
  private readonly selectOne: Statement<[string, number], CueRow>;
  private readonly insert: Statement<[CueRow]>;
  private readonly update: Statement<[CueRow]>;
  private readonly removeAll: Statement<[string]>;
  private readonly replaceAll: (jobId: string, cues: readonly CueRecord[]) => void;
  private readonly patchAll: (jobId: string, patches: readonly CuePatch[]) => void;

  constructor(db: Database) {
    this.selectAll = db.prepare<[string], CueRow>('SELECT * FROM cues WHERE job_id = ? ORDER BY idx');
    this.selectOne = db.prepare<[string, number], CueRow>('SELECT * FROM cues WHERE job_id = ? AND idx = ?');
    this.insert = db.prepare<[CueRow]>(
      `INSERT INTO cues (job_id, idx, start_ms, end_ms, source_text, target_text, speed_factor, placed_start_ms, placed_end_ms, flag, cue_id, speaker)
       VALUES (@job_id, @idx, @start_ms, @end_ms, @source_text, @target_text, @speed_factor, @placed_start_ms, @placed_end_ms, @flag, @cue_id, @speaker)`,
    );
    this.update = db.prepare<[CueRow]>(
      `UPDATE cues SET start_ms = @start_ms, end_ms = @end_ms, source_text = @source_text, target_text = @target_text,
         speed_factor = @speed_factor, placed_start_ms = @placed_start_ms, placed_end_ms = @placed_end_ms, flag = @flag,
         cue_id = @cue_id
       WHERE job_id = @job_id AND idx = @idx`,
    );
    this.removeAll = db.prepare<[string]>('DELETE FROM cues WHERE job_id = ?');

    this.replaceAll = db.transaction((jobId: string, cues: readonly CueRecord[]) => {
      this.removeAll.run(jobId);
      for (const cue of cues) this.insert.run(toRow(jobId, cue));
    });
    // All-or-nothing: a timeline edit that names a missing cue changes no cue at all.
    this.patchAll = db.transaction((jobId: string, patches: readonly CuePatch[]) => {
      for (const patch of patches) {
        const existing = this.selectOne.get(jobId, patch.index);
        if (!existing) {
          throw new RedubError('E_CUE_NOT_FOUND', { details: [`Job ${jobId} has no cue ${patch.index}.`] });
        }
        const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
        this.update.run(toRow(jobId, { ...fromRow(existing), ...defined }));
      }
    });
  }

  replace(jobId: string, cues: readonly CueRecord[]): void {
    forJob(jobId, () => this.replaceAll(jobId, cues));
  }

  /** All or nothing; a patch naming a cue the job does not have throws E_CUE_NOT_FOUND. */
  patch(jobId: string, patches: readonly CuePatch[]): void {
    this.patchAll(jobId, patches);
  }

  list(jobId: string): CueRecord[] {
    return this.selectAll.all(jobId).map(fromRow);
  }
}

function fromRow(row: CueRow): CueRecord {
  return {
    index: row.idx, startMs: row.start_ms, endMs: row.end_ms, sourceText: row.source_text, targetText: row.target_text,
    speedFactor: row.speed_factor, placedStartMs: row.placed_start_ms, placedEndMs: row.placed_end_ms,
    flag: row.flag as CueFitFlag | null,
    ...(row.speaker !== null ? { speaker: row.speaker } : {}),
    ...(row.cue_id !== null ? { id: row.cue_id } : {}),
  };
}

function toRow(jobId: string, cue: CueRecord): CueRow {
  return {
    job_id: jobId, idx: cue.index, start_ms: cue.startMs, end_ms: cue.endMs, source_text: cue.sourceText,
    target_text: cue.targetText, speed_factor: cue.speedFactor, placed_start_ms: cue.placedStartMs,
    placed_end_ms: cue.placedEndMs, flag: cue.flag, cue_id: cue.id ?? null, speaker: cue.speaker ?? null,
  };
}
