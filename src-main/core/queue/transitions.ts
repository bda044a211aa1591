// Owns the job state machine (SPEC §2): which state may follow which, checked on every change.
import { RedubError } from '../../shared/errors.js';
import type { JobState } from '../../shared/jobs.js';

export const allowedTransitions: Record<JobState, readonly JobState[]> = {
  queued: ['running', 'cancelled'],
  // → queued is crash recovery: the process holding the lease died or the lease ran out.
  running: ['done', 'retry_wait', 'failed', 'cancelled', 'queued'],
  retry_wait: ['running', 'cancelled'],
  failed: ['queued'],
  cancelled: ['queued'],
  // → queued re-dubs a finished job whose outputs have gone.
  done: ['queued'],
};

export function canTransition(from: JobState, to: JobState): boolean {
  return allowedTransitions[from].includes(to);
}

export function assertTransition(from: JobState, to: JobState): void {
  if (canTransition(from, to)) return;
  const allowed = allowedTransitions[from];
  throw new RedubError('E_JOB_STATE', {
    message: `A job that is ${from} cannot become ${to}.`,
    details: [`From ${from} a job can become: ${allowed.join(', ')}.`],
  });
}
