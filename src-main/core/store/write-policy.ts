// Owns the one policy every write to the job database follows, whichever process makes it (the
// app, several `redub dub` commands, a server on the same data folder):
// - every transaction is IMMEDIATE: the write lock is taken at BEGIN, where SQLite's busy timeout
//   waits for it, and never upgraded half-way, which fails at once with SQLITE_BUSY however long
//   the timeout;
// - a write that still finds the database locked after the busy timeout is tried again a few
//   times with growing pauses before it fails with E_DATABASE_BUSY.
// Applied once to the connection, so no table or query can forget it.
import type BetterSqlite3 from 'better-sqlite3';
import { RedubError } from '../../shared/errors.js';

/** Retries after the busy timeout itself ran out (the pauses add to it). */
const busyRetries = 3;
const firstPauseMs = 100;

export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Runs a write, trying again on SQLITE_BUSY; still busy at the end is E_DATABASE_BUSY. */
export function withBusyRetry<T>(write: () => T, random: () => number = Math.random): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return write();
    } catch (error) {
      if (!isBusyError(error)) throw error;
      if (attempt >= busyRetries) throw new RedubError('E_DATABASE_BUSY', { details: [(error as Error).message], cause: error });
      sleepSync(firstPauseMs * 4 ** attempt * (0.5 + random()));
    }
  }
}

/** better-sqlite3 is synchronous: a pause between tries must block like its busy timeout does. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.round(ms));
}

type TransactionFunction = BetterSqlite3.Transaction<(...args: unknown[]) => unknown>;

/** Makes `db.transaction(fn)` IMMEDIATE with retries, and every statement's run() retry when busy. */
export function applyWritePolicy(db: BetterSqlite3.Database): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const inner = transaction(fn) as TransactionFunction;
    const immediate = (...args: unknown[]) => withBusyRetry(() => inner.immediate(...args));
    return Object.assign(immediate, { default: immediate, deferred: immediate, immediate, exclusive: inner.exclusive, database: db });
  }) as typeof db.transaction;
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    const statement = prepare(source);
    if (statement.reader) return statement;
    const run = statement.run.bind(statement);
    statement.run = ((...args: unknown[]) => withBusyRetry(() => run(...(args as [])))) as typeof statement.run;
    return statement;
  }) as typeof db.prepare;
}
