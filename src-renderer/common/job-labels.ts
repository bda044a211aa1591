// The words a person reads for job and stage states, shared by the queue list and the job detail.
import type { JobState, StageState } from '../../src-main/shared/jobs.js';

export const jobStateLabels: Record<JobState, string> = {
  queued: 'Queued',
  running: 'Running',
  retry_wait: 'Waiting to retry',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const stageStateLabels: Record<StageState, string> = {
  pending: 'Pending',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
};
