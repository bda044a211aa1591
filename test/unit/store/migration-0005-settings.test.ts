import { describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { schemaVersion } from '../../../src-main/core/store/database.js';
import { columnNames, countRows, databaseFile, insertJob, openAtVersion, tableNames } from './schema-helpers.js';

describe('migration 0005 settings', () => {
  const directory = useTemporaryDirectory();

  it('applies from version 4, keeping lip-sync data', () => {
    const file = databaseFile(directory());
    const before = openAtVersion(file, 4);
    insertJob(before, 'a');
    before.prepare("INSERT INTO audio_refs VALUES ('a', 'dub', '/x.wav', 1000)").run();
    before.prepare("INSERT INTO lipsync_segments (job_id, id, start_ms, end_ms, audio_ref_id, fit) VALUES ('a', 's1', 0, 1000, 'dub', 1)").run();
    before.close();

    const db = openAtVersion(file, 5);
    expect(schemaVersion(db)).toBe(5);
    expect(tableNames(db)).toContain('settings');
    expect(columnNames(db, 'settings')).toEqual(['key', 'value_json']);
    expect(countRows(db, 'audio_refs')).toBe(1);
    expect(db.prepare('SELECT fit FROM lipsync_segments').pluck().get()).toBe(1);
    db.close();
  });

  it('requires a value for every key', () => {
    const db = openAtVersion(databaseFile(directory()), 5);
    expect(() => db.prepare("INSERT INTO settings (key) VALUES ('x')").run()).toThrow(/NOT NULL/);
    db.close();
  });
});
