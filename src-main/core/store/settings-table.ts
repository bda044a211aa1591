// Owns the settings table: one JSON value per key.
import type { Statement } from 'better-sqlite3';
import type { Database } from './database.js';
import { parseJsonColumn } from './json-columns.js';

export class SettingsTable {
  private readonly select: Statement<[string], string>;
  private readonly upsert: Statement<[string, string]>;
  private readonly remove: Statement<[string]>;

  constructor(db: Database) {
    this.select = db.prepare<[string], string>('SELECT value_json FROM settings WHERE key = ?').pluck();
    this.upsert = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json',
    );
    this.remove = db.prepare<[string]>('DELETE FROM settings WHERE key = ?');
  }

  /** The caller's fallback also stands in for a value that no longer parses. */
  get<T>(key: string, fallback: T): T {
    const text = this.select.get(key);
    if (text === undefined) return fallback;
    return parseJsonColumn(text, fallback) as T;
  }

  /** `undefined` removes the key, since JSON cannot hold it. */
  set(key: string, value: unknown): void {
    if (value === undefined) this.remove.run(key);
    else this.upsert.run(key, JSON.stringify(value));
  }
}
