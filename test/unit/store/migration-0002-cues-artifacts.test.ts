import { describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { schemaVersion } from '../../../src-main/core/store/database.js';
import { columnNames, countRows, databaseFile, insertJob, openAtVersion, tableNames } from './schema-helpers.js';

describe('migration 0002 cues and artifacts', () => {
  const directory = useTemporaryDirectory();

  it('applies from version 1, keeping jobs and stages', () => {
    const file = databaseFile(directory());
    const before = openAtVersion(file, 1);
    insertJob(before, 'a');
    before.prepare("INSERT INTO stages (job_id, name, state) VALUES ('a', 'probe', 'done')").run();
    before.close();

    const db = openAtVersion(file, 2);
    expect(schemaVersion(db)).toBe(2);
    expect(tableNames(db)).toEqual(['artifacts', 'cues', 'jobs', 'stages']);
    expect(columnNames(db, 'cues')).toEqual([
      'job_id', 'idx', 'start_ms', 'end_ms', 'source_text', 'target_text', 'speed_factor', 'placed_start_ms',
      'placed_end_ms', 'flag',
    ]);
    expect(columnNames(db, 'artifacts')).toEqual(['key', 'stage', 'path', 'bytes', 'created_ms', 'last_used_ms']);
    expect(db.prepare("SELECT state FROM stages WHERE job_id = 'a'").pluck().get()).toBe('done');
    db.close();
  });

  it('deletes a job\'s cues with the job, but not artifacts', () => {
    const db = openAtVersion(databaseFile(directory()), 2);
    insertJob(db, 'a');
    db.prepare("INSERT INTO cues (job_id, idx, start_ms, end_ms) VALUES ('a', 0, 0, 1000)").run();
    db.prepare("INSERT INTO artifacts VALUES ('k', 'extract', '/cache/k.wav', 10, 1, 1)").run();
    db.prepare("DELETE FROM jobs WHERE id = 'a'").run();
    expect(countRows(db, 'cues')).toBe(0);
    expect(countRows(db, 'artifacts')).toBe(1);
    db.close();
  });
});
