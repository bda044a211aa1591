// Helpers for migration tests: open a database at a given schema version and inspect its tables.
import path from 'node:path';
import { openDatabase, type Database } from '../../../src-main/core/store/database.js';
import { migrations } from '../../../src-main/core/store/migrations/index.js';

export function openAtVersion(file: string, version: number): Database {
  return openDatabase(file, { migrations: migrations.filter((migration) => migration.version <= version) });
}

export function databaseFile(directory: string): string {
  return path.join(directory, 'data', 'redub.db');
}

export function tableNames(db: Database): string[] {
  const rows = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
  return rows.map((row) => row.name);
}

export function columnNames(db: Database, table: string): string[] {
  return db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((row) => row.name);
}

export function indexNames(db: Database, table: string): string[] {
  return db.prepare<[], { name: string }>(`SELECT name FROM pragma_index_list('${table}')`).all().map((row) => row.name);
}

/** A minimal valid job row, written with raw SQL so migration tests do not depend on Store. */
export function insertJob(db: Database, id: string): void {
  db.prepare(
    `INSERT INTO jobs (id, idempotency_key, input_path, language, options_json, state, created_ms, updated_ms)
     VALUES (?, ?, '/videos/a.mp4', 'es', '{}', 'queued', 1, 1)`,
  ).run(id, `key-${id}`);
}

export function countRows(db: Database, table: string): number {
  return (db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()?.n ?? 0);
}
