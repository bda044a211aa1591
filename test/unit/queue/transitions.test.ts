import { describe, expect, it } from 'vitest';
import { RedubError } from '../../../src-main/shared/errors.js';
import { jobStates, type JobState } from '../../../src-main/shared/jobs.js';
import { allowedTransitions, assertTransition, canTransition } from '../../../src-main/core/queue/transitions.js';

// Written out in full so that any change to the rules has to change this table too.
const expected: Record<JobState, JobState[]> = {
  queued: ['running', 'cancelled'],
  running: ['done', 'retry_wait', 'failed', 'cancelled', 'queued'],
  retry_wait: ['running', 'cancelled'],
  failed: ['queued'],
  cancelled: ['queued'],
  done: ['queued'],
};

const pairs = jobStates.flatMap((from) => jobStates.map((to) => [from, to] as const));

describe('job state transitions', () => {
  it('lists exactly the transitions SPEC §2 allows', () => {
    for (const state of jobStates) expect([...allowedTransitions[state]].sort()).toEqual([...expected[state]].sort());
  });

  it.each(pairs.filter(([from, to]) => expected[from].includes(to)))('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each(pairs.filter(([from, to]) => !expected[from].includes(to)))('forbids %s → %s with E_JOB_STATE naming both', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    try {
      assertTransition(from, to);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RedubError);
      expect((error as RedubError).code).toBe('E_JOB_STATE');
      expect((error as RedubError).message).toContain(from);
      expect((error as RedubError).message).toContain(to);
    }
  });
});
