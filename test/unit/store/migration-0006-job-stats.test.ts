import { describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { schemaVersion } from '../../../src-main/core/store/database.js';
import { columnNames, databaseFile, insertJob, openAtVersion } from './schema-helpers.js';

describe('migration 0006 job stats', () => {
  const directory = useTemporaryDirectory();

  it('applies from version 5, giving existing jobs empty stats', () => {
    const file = databaseFile(directory());
    const before = openAtVersion(file, 5);
    insertJob(before, 'a');
    before.close();

    const db = openAtVersion(file, 6);
    expect(schemaVersion(db)).toBe(6);
    expect(columnNames(db, 'jobs')).toContain('stats_json');
    expect(db.prepare("SELECT stats_json FROM jobs WHERE id = 'a'").pluck().get()).toBe('{}');
    db.close();
  });
});
