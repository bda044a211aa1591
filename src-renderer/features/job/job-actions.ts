// Which actions a job allows in each state, mirroring the core's state machine (SPEC §2), so a
// button is never offered that the core would refuse.
import type { JobState } from '../../../src-main/shared/jobs.js';

export interface JobActions {
  cancel: boolean;
  retry: boolean;
  delete: boolean;
}

export function availableActions(state: JobState): JobActions {
  return {
    // Anything not yet settled can be stopped.
    cancel: state === 'queued' || state === 'running' || state === 'retry_wait',
    // Retry restarts a failed or cancelled job; a done job stays done.
    retry: state === 'failed' || state === 'cancelled',
    // The core refuses to delete a running job: it must be cancelled first.
    delete: state !== 'running',
  };
}
