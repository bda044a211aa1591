import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import type { RedubError } from '../../../src-main/shared/errors.js';
import { openDatabase, schemaVersion, type Migration } from '../../../src-main/core/store/database.js';
import { migrations } from '../../../src-main/core/store/migrations/index.js';
import { databaseFile, tableNames } from './schema-helpers.js';
import { thrownCode } from '../../helpers/errors.js';


describe('openDatabase', () => {
  const directory = useTemporaryDirectory();

  it('creates the parent folder and brings an empty file to the newest version', () => {
    const file = databaseFile(directory());
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    expect(tableNames(db)).toEqual(['artifacts', 'audio_refs', 'base_cues', 'cue_layers', 'cues', 'jobs', 'lipsync_segments', 'logs', 'settings', 'speaker_voices', 'stages']);
    db.close();
  });

  it('turns on WAL, foreign keys, NORMAL sync and a busy timeout', () => {
    const db = openDatabase(databaseFile(directory()));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('opens an up-to-date database again without running any migration', () => {
    const file = databaseFile(directory());
    openDatabase(file).close();
    let ran = 0;
    const counting = migrations.map((migration): Migration => ({ ...migration, up: (db) => { ran++; migration.up(db); } }));
    const db = openDatabase(file, { migrations: counting });
    expect(ran).toBe(0);
    db.close();
  });

  it('applies all pending migrations in one transaction: a failure leaves version and schema unchanged', () => {
    const file = databaseFile(directory());
    openDatabase(file, { migrations: migrations.slice(0, 2) }).close();
    const broken: Migration = { version: migrations.length + 1, name: 'broken', up: (db) => db.exec('CREATE TABLE half (x); SELECT * FROM no_such_table') };

    expect(thrownCode(() => openDatabase(file, { migrations: [...migrations, broken] }))).toBe('E_DATABASE_MIGRATION');

    const db = openDatabase(file, { migrations: migrations.slice(0, 2) });
    expect(schemaVersion(db)).toBe(2);
    expect(tableNames(db)).toEqual(['artifacts', 'cues', 'jobs', 'stages']);
    db.close();
  });

  it('names the failing migration in the error details', () => {
    const broken: Migration = { version: 1, name: 'broken', up: () => { throw new Error('boom'); } };
    try {
      openDatabase(databaseFile(directory()), { migrations: [broken] });
      expect.unreachable();
    } catch (error) {
      expect((error as RedubError).details.join(' ')).toMatch(/Migration 1 \(broken\).*boom/);
    }
  });

  it('refuses a database written by a newer version, and leaves the file as it was', () => {
    const file = databaseFile(directory());
    const future = openDatabase(file);
    future.pragma('journal_mode = DELETE');
    future.pragma('user_version = 999');
    future.close();
    const bytes = readFileSync(file);

    expect(thrownCode(() => openDatabase(file))).toBe('E_DATABASE_NEWER');
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('reports a file that is not a database as unreadable', () => {
    const file = databaseFile(directory());
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'this is a text file, not SQLite, and it is long enough to have a header'.repeat(20));
    expect(thrownCode(() => openDatabase(file))).toBe('E_DATABASE_UNREADABLE');
  });

  it('reports a folder where the file should be as unreadable', () => {
    const file = databaseFile(directory());
    mkdirSync(file, { recursive: true });
    expect(thrownCode(() => openDatabase(file))).toBe('E_DATABASE_UNREADABLE');
  });

  it('rejects a migration list that is not strictly increasing', () => {
    const [first, second] = migrations;
    expect(() => openDatabase(databaseFile(directory()), { migrations: [second!, first!] })).toThrow(/increase/);
  });

  it('has one migration per version, numbered from 1 without gaps', () => {
    expect(migrations.map((migration) => migration.version)).toEqual(migrations.map((_, index) => index + 1));
  });
});
