import { describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { schemaVersion } from '../../../src-main/core/store/database.js';
import { columnNames, databaseFile, insertJob, openAtVersion } from './schema-helpers.js';

describe('migration 0008 job media', () => {
  const directory = useTemporaryDirectory();

  it('applies from version 7, leaving existing jobs without media until their next run', () => {
    const file = databaseFile(directory());
    const before = openAtVersion(file, 7);
    insertJob(before, 'a');
    before.close();
    const db = openAtVersion(file, 8);
    expect(schemaVersion(db)).toBe(8);
    expect(columnNames(db, 'jobs')).toContain('media_json');
    expect(db.prepare("SELECT media_json FROM jobs WHERE id = 'a'").pluck().get()).toBeNull();
    db.close();
  });
});
