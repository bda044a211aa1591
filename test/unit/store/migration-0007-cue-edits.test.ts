import { describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { schemaVersion } from '../../../src-main/core/store/database.js';
import { columnNames, countRows, databaseFile, insertJob, openAtVersion, tableNames } from './schema-helpers.js';

describe('migration 0007 cue edits', () => {
  const directory = useTemporaryDirectory();

  it('applies from version 6: base cues and edit layers, a cue id on rendered cues, deleted with their job', () => {
    const file = databaseFile(directory());
    const before = openAtVersion(file, 6);
    insertJob(before, 'a');
    before.prepare("INSERT INTO cues (job_id, idx, start_ms, end_ms) VALUES ('a', 0, 0, 1000)").run();
    before.close();

    const db = openAtVersion(file, 7);
    expect(schemaVersion(db)).toBe(7);
    expect(tableNames(db)).toEqual(expect.arrayContaining(['base_cues', 'cue_layers']));
    expect(columnNames(db, 'cues')).toContain('cue_id');
    expect(columnNames(db, 'jobs')).toContain('rendered_cue_revision');
    // An existing rendered cue has no id yet: the next render gives it one.
    expect(db.prepare("SELECT cue_id FROM cues WHERE job_id = 'a'").pluck().get()).toBeNull();
    db.prepare("INSERT INTO base_cues VALUES ('a', 0, 0, 1000, 'Hi', 'Hola')").run();
    db.prepare("INSERT INTO cue_layers VALUES ('a', 1, '{}', 1)").run();
    db.prepare("DELETE FROM jobs WHERE id = 'a'").run();
    expect(countRows(db, 'base_cues') + countRows(db, 'cue_layers')).toBe(0);
    db.close();
  });
});
