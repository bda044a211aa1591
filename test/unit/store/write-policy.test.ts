// The one write policy of the job database: every transaction takes the write lock at BEGIN
// (IMMEDIATE), a write that meets a lock waits and tries again, and one that stays locked ends as
// E_DATABASE_BUSY, never as a raw SQLITE_BUSY.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src-main/core/store/database.js';
import { isBusyError, withBusyRetry } from '../../../src-main/core/store/write-policy.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

describe('write policy', () => {
  const temporary = useTemporaryDirectory();

  it('makes db.transaction() IMMEDIATE: the write lock is held from the first statement', () => {
    const file = path.join(temporary(), 'redub.db');
    const writer = openDatabase(file);
    const other = openDatabase(file);
    other.pragma('busy_timeout = 0');
    let lockedMeanwhile = false;
    writer.transaction(() => {
      // Only a read so far: a deferred transaction would hold no write lock yet.
      writer.prepare('SELECT count(*) FROM jobs').get();
      try {
        other.exec('BEGIN IMMEDIATE; ROLLBACK');
      } catch (error) {
        lockedMeanwhile = isBusyError(error);
      }
    })();
    expect(lockedMeanwhile).toBe(true);
    writer.close();
    other.close();
  });

  it('retries a busy write with pauses, then gives E_DATABASE_BUSY', () => {
    let calls = 0;
    const busy = () => {
      calls++;
      throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    };
    expect(() => withBusyRetry(busy, () => 0)).toThrow(expect.objectContaining({ code: 'E_DATABASE_BUSY' }));
    expect(calls).toBe(4);
    let tries = 0;
    expect(withBusyRetry(() => (++tries < 3 ? busy() : 'written'), () => 0)).toBe('written');
    // Other errors pass at once, untouched.
    expect(() => withBusyRetry(() => { throw Object.assign(new Error('x'), { code: 'SQLITE_FULL' }); })).toThrow(expect.objectContaining({ code: 'SQLITE_FULL' }));
  });

  it('waits out another process that holds the write lock longer than the busy timeout', async () => {
    const file = path.join(temporary(), 'redub.db');
    openDatabase(file).close();
    const holder = spawn(process.execPath, ['-e', `
      const db = new (require('better-sqlite3'))(${JSON.stringify(file)});
      db.exec('BEGIN IMMEDIATE');
      process.stdout.write('locked\\n');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, 400);
    `], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    const db = openDatabase(file);
    db.pragma('busy_timeout = 50');
    db.prepare("INSERT INTO settings (key, value_json) VALUES ('k', '1')").run();
    expect(db.prepare("SELECT value_json FROM settings WHERE key = 'k'").pluck().get()).toBe('1');
    db.close();
    await new Promise((resolve) => holder.once('exit', resolve));
  });
});
