// Owns the base_cues and cue_layers tables: the cues the last translate run made, and every
// revision of a person's edit layer over them. A new revision is stored only by a writer that
// names the current one (compare and swap), so two editors never overwrite each other silently.
import type { Statement } from 'better-sqlite3';
import { emptyLayer, type BaseCue, type CueLayer } from '../cues/cue-layer.js';
import type { Database } from './database.js';
import { forJob } from './foreign-keys.js';

/** How many revisions of a job's layer are kept for undo; older ones go. */
export const keptRevisions = 500;

interface BaseRow {
  idx: number;
  start_ms: number;
  end_ms: number;
  source_text: string;
  target_text: string;
  speaker: string | null;
}

export class CueLayerTable {
  private readonly selectBase: Statement<[string], BaseRow>;
  private readonly removeBase: Statement<[string]>;
  private readonly insertBase: Statement<[string, number, number, number, string, string, string | null]>;
  private readonly selectCurrent: Statement<[string], { revision: number; layer_json: string }>;
  private readonly selectAt: Statement<[string, number], string>;
  private readonly insertLayer: Statement<[string, number, string, number]>;
  private readonly trim: Statement<[string, number]>;
  private readonly selectRevisedSince: Statement<[number], { job_id: string; revision: number }>;
  private readonly replaceAll: (jobId: string, cues: readonly BaseCue[]) => void;
  private readonly commitLayer: (jobId: string, expected: number, layer: CueLayer) => number | null;

  constructor(db: Database, private readonly clock: () => number) {
    this.selectBase = db.prepare<[string], BaseRow>('SELECT idx, start_ms, end_ms, source_text, target_text, speaker FROM base_cues WHERE job_id = ? ORDER BY idx');
    this.removeBase = db.prepare('DELETE FROM base_cues WHERE job_id = ?');
    this.insertBase = db.prepare('INSERT INTO base_cues (job_id, idx, start_ms, end_ms, source_text, target_text, speaker) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.selectCurrent = db.prepare<[string], { revision: number; layer_json: string }>('SELECT revision, layer_json FROM cue_layers WHERE job_id = ? ORDER BY revision DESC LIMIT 1');
    this.selectAt = db.prepare<[string, number], string>('SELECT layer_json FROM cue_layers WHERE job_id = ? AND revision = ?').pluck();
    this.insertLayer = db.prepare('INSERT INTO cue_layers (job_id, revision, layer_json, created_ms) VALUES (?, ?, ?, ?)');
    this.trim = db.prepare('DELETE FROM cue_layers WHERE job_id = ? AND revision <= ?');
    this.selectRevisedSince = db.prepare<[number], { job_id: string; revision: number }>('SELECT job_id, MAX(revision) AS revision FROM cue_layers INDEXED BY cue_layers_by_time WHERE created_ms >= ? GROUP BY job_id');
    this.replaceAll = db.transaction((jobId: string, cues: readonly BaseCue[]) => {
      this.removeBase.run(jobId);
      for (const cue of cues) this.insertBase.run(jobId, cue.index, cue.startMs, cue.endMs, cue.sourceText, cue.targetText, cue.speaker ?? null);
    });
    this.commitLayer = db.transaction((jobId: string, expected: number, layer: CueLayer): number | null => {
      if (this.current(jobId).revision !== expected) return null;
      const revision = expected + 1;
      this.insertLayer.run(jobId, revision, JSON.stringify(layer), this.clock());
      this.trim.run(jobId, revision - keptRevisions);
      return revision;
    });
  }

  /** Replaces what the stages made; the person's layer stays as it is. */
  replaceBase(jobId: string, cues: readonly BaseCue[]): void {
    forJob(jobId, () => this.replaceAll(jobId, cues));
  }

  base(jobId: string): BaseCue[] {
    return this.selectBase.all(jobId).map((row) => ({ index: row.idx, startMs: row.start_ms, endMs: row.end_ms, sourceText: row.source_text, targetText: row.target_text, ...(row.speaker ? { speaker: row.speaker } : {}) }));
  }

  /** The layer in force and its revision; revision 0 is the empty layer before any edit. */
  current(jobId: string): { revision: number; layer: CueLayer } {
    const row = this.selectCurrent.get(jobId);
    return row ? { revision: row.revision, layer: JSON.parse(row.layer_json) as CueLayer } : { revision: 0, layer: emptyLayer };
  }

  /** The layer of an earlier revision (0: before any edit), or null once it is no longer kept. */
  at(jobId: string, revision: number): CueLayer | null {
    if (revision === 0) return emptyLayer;
    const json = this.selectAt.get(jobId, revision);
    return json ? (JSON.parse(json) as CueLayer) : null;
  }

  /** Each job whose layer got a revision at or after `sinceMs`, with its newest revision. */
  revisedSince(sinceMs: number): { jobId: string; revision: number }[] {
    return this.selectRevisedSince.all(sinceMs).map((row) => ({ jobId: row.job_id, revision: row.revision }));
  }

  /** Stores `layer` as the next revision if `expected` is still the current one; null when it is not. */
  commit(jobId: string, expected: number, layer: CueLayer): number | null {
    return forJob(jobId, () => this.commitLayer(jobId, expected, layer));
  }
}
