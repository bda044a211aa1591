// Owns the logs table: append-only lines per job, read in pages after a known id.
import type { Statement } from 'better-sqlite3';
import type { LogLine, StageName } from '../../shared/jobs.js';
import type { Database } from './database.js';
import { isForeignKeyError } from './foreign-keys.js';

export type StoredLogLine = LogLine & { id: number };

export interface LogPage {
  /** Only lines with a greater id: how a follower asks for what it has not seen. */
  afterId?: number;
  limit?: number;
}

interface LogRow {
  id: number;
  at_ms: number;
  level: string;
  stage: string | null;
  message: string;
}

export const defaultLogPageSize = 1000;

export class LogTable {
  private readonly insert: Statement<[string, number, string, string | null, string]>;
  private readonly select: Statement<[string, number, number], LogRow>;
  private readonly selectWarnings: Statement<[string, number], { message: string }>;

  constructor(db: Database, private readonly clock: () => number) {
    this.insert = db.prepare('INSERT INTO logs (job_id, at_ms, level, stage, message) VALUES (?, ?, ?, ?, ?)');
    this.select = db.prepare<[string, number, number], LogRow>(
      'SELECT id, at_ms, level, stage, message FROM logs WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?',
    );
    this.selectWarnings = db.prepare<[string, number], { message: string }>(
      "SELECT message FROM logs WHERE job_id = ? AND level = 'warn' GROUP BY message ORDER BY MIN(id) LIMIT ?",
    );
  }

  /** The job's warnings, each once however many attempts logged it, oldest first. */
  warnings(jobId: string, limit = 200): string[] {
    return this.selectWarnings.all(jobId, limit).map((row) => row.message);
  }

  /** Returns the line's id, or null when the job was deleted meanwhile: a late log line from
   * a finishing attempt must not crash the process that writes it. */
  append(jobId: string, level: LogLine['level'], stage: StageName | null, message: string): number | null {
    try {
      return Number(this.insert.run(jobId, this.clock(), level, stage, message).lastInsertRowid);
    } catch (error) {
      if (isForeignKeyError(error)) return null;
      throw error;
    }
  }

  page(jobId: string, page: LogPage = {}): StoredLogLine[] {
    const rows = this.select.all(jobId, page.afterId ?? 0, page.limit ?? defaultLogPageSize);
    return rows.map((row) => ({
      id: row.id,
      at: new Date(row.at_ms).toISOString(),
      level: row.level as LogLine['level'],
      stage: row.stage as StageName | null,
      message: row.message,
    }));
  }
}
