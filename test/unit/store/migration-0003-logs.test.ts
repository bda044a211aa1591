import { describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { schemaVersion } from '../../../src-main/core/store/database.js';
import { columnNames, countRows, databaseFile, indexNames, insertJob, openAtVersion, tableNames } from './schema-helpers.js';

describe('migration 0003 logs', () => {
  const directory = useTemporaryDirectory();

  it('applies from version 2, keeping cues and artifacts', () => {
    const file = databaseFile(directory());
    const before = openAtVersion(file, 2);
    insertJob(before, 'a');
    before.prepare("INSERT INTO cues (job_id, idx, start_ms, end_ms, target_text) VALUES ('a', 0, 0, 1000, 'hola')").run();
    before.prepare("INSERT INTO artifacts VALUES ('k', 'extract', '/cache/k.wav', 10, 1, 1)").run();
    before.close();

    const db = openAtVersion(file, 3);
    expect(schemaVersion(db)).toBe(3);
    expect(tableNames(db)).toContain('logs');
    expect(columnNames(db, 'logs')).toEqual(['id', 'job_id', 'at_ms', 'level', 'stage', 'message']);
    expect(indexNames(db, 'logs')).toContain('logs_job');
    expect(db.prepare('SELECT target_text FROM cues').pluck().get()).toBe('hola');
    expect(countRows(db, 'artifacts')).toBe(1);
    db.close();
  });

  it('never reuses a log id after deletion, and deletes logs with their job', () => {
    const db = openAtVersion(databaseFile(directory()), 3);
    insertJob(db, 'a');
    const insert = db.prepare("INSERT INTO logs (job_id, at_ms, level, message) VALUES ('a', 1, 'info', 'x')");
    const first = insert.run().lastInsertRowid;
    db.prepare('DELETE FROM logs').run();
    expect(Number(insert.run().lastInsertRowid)).toBeGreaterThan(Number(first));
    db.prepare("DELETE FROM jobs WHERE id = 'a'").run();
    expect(countRows(db, 'logs')).toBe(0);
    db.close();
  });
});
