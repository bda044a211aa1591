import { describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { schemaVersion } from '../../../src-main/core/store/database.js';
import { columnNames, countRows, databaseFile, indexNames, insertJob, openAtVersion, tableNames } from './schema-helpers.js';

describe('migration 0001 jobs', () => {
  const directory = useTemporaryDirectory();

  it('creates jobs and stages from an empty database', () => {
    const db = openAtVersion(databaseFile(directory()), 1);
    expect(schemaVersion(db)).toBe(1);
    expect(tableNames(db)).toEqual(['jobs', 'stages']);
    expect(columnNames(db, 'jobs')).toEqual([
      'id', 'idempotency_key', 'input_path', 'language', 'source_language', 'options_json', 'state', 'priority',
      'attempts', 'max_attempts', 'run_after_ms', 'lease_owner', 'lease_expires_ms', 'allocation_id', 'progress',
      'eta_ms', 'error_json', 'outputs_json', 'created_ms', 'updated_ms', 'started_ms', 'finished_ms',
    ]);
    expect(columnNames(db, 'stages')).toEqual([
      'job_id', 'name', 'state', 'progress', 'reused', 'attempts', 'started_ms', 'finished_ms', 'duration_ms',
      'execution_provider', 'artifact_key', 'error_json',
    ]);
    expect(indexNames(db, 'jobs')).toContain('jobs_claim');
    db.close();
  });

  it('keeps tables that were there before it', () => {
    const file = databaseFile(directory());
    const before = openAtVersion(file, 0);
    before.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('kept')");
    before.close();
    const db = openAtVersion(file, 1);
    expect(db.prepare('SELECT text FROM notes').pluck().get()).toBe('kept');
    db.close();
  });

  it('fills defaults, rejects unknown states and duplicate idempotency keys', () => {
    const db = openAtVersion(databaseFile(directory()), 1);
    insertJob(db, 'a');
    expect(db.prepare('SELECT priority, attempts, max_attempts, run_after_ms, progress, outputs_json FROM jobs').get()).toEqual({
      priority: 0, attempts: 0, max_attempts: 3, run_after_ms: 0, progress: 0, outputs_json: '{}',
    });
    expect(() => db.prepare("UPDATE jobs SET state = 'paused'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO jobs (id, idempotency_key, input_path, language, options_json, state, created_ms, updated_ms) VALUES ('b', 'key-a', 'x', 'es', '{}', 'queued', 1, 1)").run()).toThrow(/UNIQUE/);
    db.close();
  });

  it('deletes a job\'s stages with the job', () => {
    const db = openAtVersion(databaseFile(directory()), 1);
    insertJob(db, 'a');
    db.prepare("INSERT INTO stages (job_id, name) VALUES ('a', 'probe')").run();
    db.prepare("DELETE FROM jobs WHERE id = 'a'").run();
    expect(countRows(db, 'stages')).toBe(0);
    db.close();
  });
});
