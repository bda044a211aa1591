import { describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { schemaVersion } from '../../../src-main/core/store/database.js';
import { databaseFile, insertJob, openAtVersion } from './schema-helpers.js';

describe('migration 0009 cue layer times', () => {
  const directory = useTemporaryDirectory();

  it('applies from version 8, keeping existing revisions and finding them by time through the index', () => {
    const file = databaseFile(directory());
    const before = openAtVersion(file, 8);
    insertJob(before, 'a');
    before.prepare("INSERT INTO cue_layers (job_id, revision, layer_json, created_ms) VALUES ('a', 1, '{}', 5000)").run();
    before.close();
    const db = openAtVersion(file, 9);
    expect(schemaVersion(db)).toBe(9);
    // The table's query names the index (without statistics the planner would scan the primary key).
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT job_id, MAX(revision) FROM cue_layers INDEXED BY cue_layers_by_time WHERE created_ms >= ? GROUP BY job_id').all(1000) as { detail: string }[];
    expect(plan.map((step) => step.detail).join(' ')).toMatch(/SEARCH cue_layers USING INDEX cue_layers_by_time/);
    expect(db.prepare('SELECT revision FROM cue_layers WHERE created_ms >= 1000').pluck().all()).toEqual([1]);
    db.close();
  });
});
