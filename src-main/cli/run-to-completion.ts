// Runs the given jobs in this process with a progress display until each is done, failed or
// cancelled, and returns SPEC §4's exit code. Ctrl+C cancels them.
import type { RedubService } from '../core/service/redub-service.js';
import { isTerminalJobState } from '../shared/jobs.js';
import { exitCodes } from './exit-codes.js';
import { describeJob } from './job-view.js';
import type { Output } from './output.js';
import { ProgressDisplay } from './progress-display.js';

export async function runToCompletion(service: RedubService, jobIds: string[], output: Output): Promise<number> {
  const display = new ProgressDisplay(service, jobIds, output.json ? 'silent' : process.stderr.isTTY ? 'bars' : 'lines');
  const cancel = () => {
    output.note('\nCancelling…');
    void Promise.all(
      jobIds.map(async (id) => {
        const job = await service.getJob(id).catch(() => null);
        if (job && !isTerminalJobState(job.state)) await service.cancelJob(id).catch(() => undefined);
      }),
    );
  };
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  display.start();
  try {
    const finished = await service.runJobs(jobIds);
    await display.stop();
    output.result({ jobs: finished }, () => finished.map(describeJob).join('\n\n'));
    if (finished.some((job) => job.state === 'cancelled')) return exitCodes.cancelled;
    if (finished.some((job) => job.state === 'failed')) return exitCodes.processingFailed;
    return exitCodes.done;
  } finally {
    await display.stop();
    process.removeListener('SIGINT', cancel);
    process.removeListener('SIGTERM', cancel);
  }
}
