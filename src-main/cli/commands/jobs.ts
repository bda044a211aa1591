// `redub jobs list|show|logs|cancel|retry|delete`: the queue from the command line, through the
// same service calls the app and the API make. Job ids may be shortened to any unique prefix, as
// `redub jobs list` prints them. `retry` runs the job again in this process, with the same
// progress display as `redub dub`.
import { RedubError } from '../../shared/errors.js';
import { jobStates, type JobState } from '../../shared/jobs.js';
import type { LogEntry } from '../../shared/contract.js';
import type { RedubService } from '../../core/service/redub-service.js';
import { runToCompletion } from '../run-to-completion.js';
import { describeJob } from '../job-view.js';
import type { Output } from '../output.js';

export { jobsOptions } from '../command-options.js';

/** The most log lines one request returns; `redub jobs logs` reads them all, page by page. */
const logPage = 5000;

export async function jobsCommand(service: RedubService, positionals: string[], values: { state?: string; limit?: string; offset?: string }, output: Output): Promise<number> {
  const [action, given] = positionals;
  const id = () => {
    if (!given) throw new RedubError('E_USAGE', { message: 'Give the job id, as `redub jobs list` prints it.' });
    return service.resolveJobId(given);
  };
  switch (action) {
    case 'list':
      return listJobs(service, values, output);
    case 'show': {
      const job = await service.getJob(id());
      output.result(job, () => describeJob(job));
      return 0;
    }
    case 'logs': {
      const jobId = id();
      const lines: LogEntry[] = [];
      for (let page = await service.getLogs(jobId, { limit: logPage }); page.logs.length > 0; page = await service.getLogs(jobId, { afterId: lines.at(-1)!.id, limit: logPage })) {
        lines.push(...page.logs);
        if (page.logs.length < logPage) break;
      }
      output.result({ id: jobId, logs: lines }, () => lines.map((line) => `${line.at} ${line.level.padEnd(5)} ${(line.stage ?? '-').padEnd(10)} ${line.message}`).join('\n'));
      return 0;
    }
    case 'cancel': {
      const job = await service.cancelJob(id());
      output.result(job, () => `Cancelled: job ${job.id} is now ${job.state}.`);
      return 0;
    }
    case 'retry':
      // Retrying means trying again now: queue it afresh and run it here, as `redub dub` does.
      return runToCompletion(service, [(await service.retryJob(id())).id], output);
    case 'delete': {
      const deleted = await service.deleteJob(id());
      output.result(deleted, () => `Deleted job ${deleted.id}.`);
      return 0;
    }
    default:
      throw new RedubError('E_USAGE', { message: 'Usage: redub jobs list|show|logs|cancel|retry|delete [id].' });
  }
}

async function listJobs(service: RedubService, values: { state?: string; limit?: string; offset?: string }, output: Output): Promise<number> {
  const states = values.state?.split(',').map((state) => state.trim()) ?? undefined;
  const unknown = states?.find((state) => !(jobStates as readonly string[]).includes(state));
  if (unknown) throw new RedubError('E_USAGE', { message: `"${unknown}" is not a job state; use one of ${jobStates.join(', ')}.` });
  const limit = Math.min(1000, Number(values.limit ?? 50) || 50);
  const { total, jobs } = await service.listJobs({ states: states as JobState[] | undefined, limit, offset: Number(values.offset ?? 0) || 0 });
  output.result({ total, jobs }, () =>
    jobs.length === 0
      ? 'No jobs.'
      : jobs.map((job) => `${job.id.slice(0, 8)}  ${job.state.padEnd(10)} ${job.language.padEnd(6)} ${String(Math.round(job.progress)).padStart(3)}%  ${job.input}`).join('\n') +
        (total > jobs.length ? `\n(${jobs.length} of ${total}; use --offset to see more)` : ''),
  );
  return 0;
}
