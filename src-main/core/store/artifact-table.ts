// Owns the artifacts table: where each cached stage output lives and when it was last used,
// which is what pruning by age and size reads.
import type { Statement } from 'better-sqlite3';
import type { Database } from './database.js';

export interface ArtifactRecord {
  key: string;
  stage: string;
  path: string;
  bytes: number;
  createdMs: number;
  lastUsedMs: number;
}

interface ArtifactRow {
  key: string;
  stage: string;
  path: string;
  bytes: number;
  created_ms: number;
  last_used_ms: number;
}

export class ArtifactTable {
  private readonly upsert: Statement<[string, string, string, number, number, number]>;
  private readonly touch: Statement<[number, string]>;
  private readonly selectOne: Statement<[string], ArtifactRow>;
  private readonly selectAll: Statement<[], ArtifactRow>;
  private readonly remove: Statement<[string]>;

  constructor(db: Database, private readonly clock: () => number) {
    // A re-recorded key keeps its creation time: the cache entry is the same, only refreshed.
    this.upsert = db.prepare(
      `INSERT INTO artifacts (key, stage, path, bytes, created_ms, last_used_ms) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET stage = excluded.stage, path = excluded.path, bytes = excluded.bytes,
         last_used_ms = excluded.last_used_ms`,
    );
    this.touch = db.prepare('UPDATE artifacts SET last_used_ms = ? WHERE key = ?');
    this.selectOne = db.prepare<[string], ArtifactRow>('SELECT * FROM artifacts WHERE key = ?');
    this.selectAll = db.prepare<[], ArtifactRow>('SELECT * FROM artifacts ORDER BY last_used_ms, key');
    this.remove = db.prepare('DELETE FROM artifacts WHERE key = ?');
  }

  record(artifact: { key: string; stage: string; path: string; bytes: number }): void {
    const now = this.clock();
    this.upsert.run(artifact.key, artifact.stage, artifact.path, artifact.bytes, now, now);
  }

  touchKey(key: string): boolean {
    return this.touch.run(this.clock(), key).changes === 1;
  }

  get(key: string): ArtifactRecord | null {
    const row = this.selectOne.get(key);
    return row ? fromRow(row) : null;
  }

  /** Least recently used first, the order pruning removes them in. */
  list(): ArtifactRecord[] {
    return this.selectAll.all().map(fromRow);
  }

  delete(key: string): boolean {
    return this.remove.run(key).changes === 1;
  }
}

function fromRow(row: ArtifactRow): ArtifactRecord {
  return { key: row.key, stage: row.stage, path: row.path, bytes: row.bytes, createdMs: row.created_ms, lastUsedMs: row.last_used_ms };
}
