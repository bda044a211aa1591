// Owns what a write for a job that does not exist (deleted meanwhile, or never there) turns into:
// the error a person understands instead of SQLite's constraint message.
import { RedubError } from '../../shared/errors.js';

export function isForeignKeyError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Runs a write that names a job; a job that is not there is E_JOB_NOT_FOUND. */
export function forJob<T>(jobId: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (isForeignKeyError(error)) throw new RedubError('E_JOB_NOT_FOUND', { details: [`No job has the id ${jobId}.`], cause: error });
    throw error;
  }
}
