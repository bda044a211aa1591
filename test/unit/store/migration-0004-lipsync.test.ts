import { describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { schemaVersion } from '../../../src-main/core/store/database.js';
import { columnNames, countRows, databaseFile, insertJob, openAtVersion, tableNames } from './schema-helpers.js';

describe('migration 0004 lip-sync segments and audio refs', () => {
  const directory = useTemporaryDirectory();

  it('applies from version 3, keeping logs', () => {
    const file = databaseFile(directory());
    const before = openAtVersion(file, 3);
    insertJob(before, 'a');
    before.prepare("INSERT INTO logs (job_id, at_ms, level, message) VALUES ('a', 1, 'info', 'kept')").run();
    before.close();

    const db = openAtVersion(file, 4);
    expect(schemaVersion(db)).toBe(4);
    expect(tableNames(db)).toEqual(expect.arrayContaining(['lipsync_segments', 'audio_refs']));
    expect(columnNames(db, 'lipsync_segments')).toEqual([
      'job_id', 'id', 'start_ms', 'end_ms', 'audio_ref_id', 'crop_start_ms', 'crop_end_ms', 'fit',
    ]);
    expect(columnNames(db, 'audio_refs')).toEqual(['job_id', 'id', 'path', 'duration_ms']);
    expect(db.prepare('SELECT message FROM logs').pluck().get()).toBe('kept');
    db.close();
  });

  it('deletes segments and audio refs with their job', () => {
    const db = openAtVersion(databaseFile(directory()), 4);
    insertJob(db, 'a');
    db.prepare("INSERT INTO audio_refs VALUES ('a', 'dub', '/x.wav', 1000)").run();
    db.prepare("INSERT INTO lipsync_segments (job_id, id, start_ms, end_ms, audio_ref_id) VALUES ('a', 's1', 0, 1000, 'dub')").run();
    db.prepare("DELETE FROM jobs WHERE id = 'a'").run();
    expect(countRows(db, 'audio_refs')).toBe(0);
    expect(countRows(db, 'lipsync_segments')).toBe(0);
    db.close();
  });
});
