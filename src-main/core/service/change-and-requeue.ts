// Owns changing what a job is made of (its lip-sync segments, its speakers' voices) outside a
// run: refused while the job runs (its stages may be reading what would change), checked first,
// then stored and the job queued again — a finished one from the start (its stages' results are
// reused where nothing changed), a failed or cancelled one as a retry, a waiting one as it is.
import { RedubError } from '../../shared/errors.js';
import type { JobRow } from '../queue/job-queue.js';
import type { Store } from '../store/store.js';

/** `what` names the change in sentences ("its lip-sync segments"); `check` may take its time (probes, pack lookups). */
export async function changeAndRequeue<Checked>(store: Pick<Store, 'jobs'>, job: JobRow, what: string, check: () => Promise<Checked>, apply: (checked: Checked) => void): Promise<JobRow> {
  if (job.state === 'running') {
    throw new RedubError('E_JOB_STATE', { message: `The job is running now; change ${what} once it has finished (or cancel it first).` });
  }
  const checked = await check();
  // Checked again here: the job may have started while the change was checked.
  const current = store.jobs.require(job.id);
  if (current.state === 'running') throw new RedubError('E_JOB_STATE', { message: `The job started running while ${what} were checked; send them again once it has finished.` });
  apply(checked);
  if (current.state === 'done') return store.jobs.requeueDone(job.id);
  if (current.state === 'failed' || current.state === 'cancelled') return store.jobs.retry(job.id);
  return current;
}
