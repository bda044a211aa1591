// Owns the SQLite connection: its pragmas, and bringing the schema up to date all-or-nothing.
import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { RedubError } from '../../shared/errors.js';
import { migrations as defaultMigrations } from './migrations/index.js';
import { applyWritePolicy } from './write-policy.js';

export type Database = BetterSqlite3.Database;

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

export interface OpenDatabaseOptions {
  /** The schema to reach; tests pass partial or broken lists to exercise the machinery. */
  migrations?: readonly Migration[];
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  const migrations = options.migrations ?? defaultMigrations;
  assertOrdered(migrations);
  const db = connect(file);
  try {
    const newest = migrations.at(-1)?.version ?? 0;
    const current = readUserVersion(db, file);
    if (current > newest) {
      throw new RedubError('E_DATABASE_NEWER', {
        details: [`${file} is at schema version ${current}; this version of Redub knows up to ${newest}.`],
      });
    }
    // Only now touch the file: a newer database must be left exactly as it was found.
    applyPragma(db, file, 'journal_mode = WAL');
    migrate(db, file, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function connect(file: string): Database {
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new BetterSqlite3(file);
    applyWritePolicy(db);
    // Connection-level settings change nothing on disk, so they are safe before the version check.
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    return db;
  } catch (error) {
    throw unreadable(file, error);
  }
}

function readUserVersion(db: Database, file: string): number {
  try {
    // The first read of the header is where SQLite notices a file that is not a database.
    return schemaVersion(db);
  } catch (error) {
    throw unreadable(file, error);
  }
}

function applyPragma(db: Database, file: string, pragma: string): void {
  try {
    db.pragma(pragma);
  } catch (error) {
    throw unreadable(file, error);
  }
}

function migrate(db: Database, file: string, migrations: readonly Migration[]): void {
  let running: Migration | undefined;
  const apply = db.transaction(() => {
    // Read again inside the write lock: another process may have migrated while we waited.
    const current = schemaVersion(db);
    const pending = migrations.filter((migration) => migration.version > current);
    if (pending.length === 0) return;
    for (const migration of pending) {
      running = migration;
      migration.up(db);
    }
    running = undefined;
    db.pragma(`user_version = ${pending.at(-1)!.version}`);
  });
  try {
    apply.immediate();
  } catch (error) {
    if (error instanceof RedubError) throw error;
    if (!running) throw unreadable(file, error);
    throw new RedubError('E_DATABASE_MIGRATION', {
      details: [`Migration ${running.version} (${running.name}) failed on ${file}: ${messageOf(error)}`],
      cause: error,
    });
  }
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    const previous = index === 0 ? 0 : migrations[index - 1]!.version;
    if (!Number.isInteger(migration.version) || migration.version <= previous) {
      throw new Error(`Migration "${migration.name}" has version ${migration.version}; versions must be integers that increase from 1.`);
    }
  });
}

function unreadable(file: string, error: unknown): RedubError {
  return new RedubError('E_DATABASE_UNREADABLE', { details: [`${file}: ${messageOf(error)}`], cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
