import { describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { schemaVersion } from '../../../src-main/core/store/database.js';
import { databaseFile, indexNames, insertJob, openAtVersion } from './schema-helpers.js';

describe('migration 0010 jobs finished', () => {
  const directory = useTemporaryDirectory();

  it('applies from version 9, keeping existing jobs and finding finished ones by time through the index', () => {
    const file = databaseFile(directory());
    const before = openAtVersion(file, 9);
    insertJob(before, 'a');
    before.prepare("UPDATE jobs SET state = 'done', finished_ms = 5000 WHERE id = 'a'").run();
    before.close();
    const db = openAtVersion(file, 10);
    expect(schemaVersion(db)).toBe(10);
    expect(indexNames(db, 'jobs')).toContain('jobs_finished');
    // The stats' query names the index; the plan must search it, not scan the table.
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT id FROM jobs INDEXED BY jobs_finished WHERE finished_ms BETWEEN ? AND ? AND state IN ('done', 'failed', 'cancelled')")
      .all(1000, 9000) as { detail: string }[];
    expect(plan.map((step) => step.detail).join(' ')).toMatch(/SEARCH jobs USING INDEX jobs_finished/);
    expect(db.prepare("SELECT id FROM jobs INDEXED BY jobs_finished WHERE finished_ms BETWEEN 1000 AND 9000").pluck().all()).toEqual(['a']);
    db.close();
  });
});
