// Runs the given jobs in this process with a progress display until each is done, failed or
// cancelled, and returns SPEC §4's exit code. Ctrl+C cancels them.
import type { RedubCore } from '../core/redub-core.js';
import { RedubError } from '../shared/errors.js';
import { isTerminalJobState } from '../shared/jobs.js';
import { exitCodes } from './exit-codes.js';
import { describeJob, jobView } from './job-view.js';
import type { Output } from './output.js';
import { ProgressDisplay } from './progress-display.js';

export async function runToCompletion(core: RedubCore, jobIds: string[], output: Output): Promise<number> {
  const scheduler = core.createScheduler(jobIds);
  const display = new ProgressDisplay(core.store, jobIds, output.json ? 'silent' : process.stderr.isTTY ? 'bars' : 'lines');
  const cancel = () => {
    output.note('\nCancelling…');
    for (const id of jobIds) {
      const job = core.store.get(id);
      if (job && !isTerminalJobState(job.state)) core.store.cancel(id);
    }
  };
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  scheduler.start();
  display.start();
  const finished = await scheduler.waitFor(jobIds);
  display.stop();
  await scheduler.stop();
  process.removeListener('SIGINT', cancel);
  process.removeListener('SIGTERM', cancel);
  // A job that ended here but could not be recorded (the disk is full): say so, as an error. Its
  // row stays running until its lease runs out; the next command resumes it.
  const unrecorded = finished.some((job) => !isTerminalJobState(job.state));
  if (unrecorded && scheduler.storageProblem) throw RedubError.fromData(scheduler.storageProblem);

  const views = finished.map((job) => jobView(core.store, job));
  output.result({ jobs: views }, () => views.map(describeJob).join('\n\n'));
  if (finished.some((job) => job.state === 'cancelled')) return exitCodes.cancelled;
  if (finished.some((job) => job.state === 'failed')) return exitCodes.processingFailed;
  return exitCodes.done;
}
