// `redub jobs list|show|logs|cancel|retry|delete`: the queue from the command line. Job ids may
// be shortened to any unique prefix, as `redub jobs list` prints them. `retry` runs the job again
// in this process, with the same progress display as `redub dub`.
import { RedubError } from '../../shared/errors.js';
import { jobStates, type JobState } from '../../shared/jobs.js';
import type { JobRow, JobStore } from '../../core/queue/job-store.js';
import type { RedubCore } from '../../core/redub-core.js';
import { runToCompletion } from '../run-to-completion.js';
import { describeJob, jobView } from '../job-view.js';
import type { Output } from '../output.js';

export const jobsOptions = {
  state: { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
} as const;

export async function jobsCommand(core: RedubCore, positionals: string[], values: { state?: string; limit?: string; offset?: string }, output: Output): Promise<number> {
  const { store } = core;
  const [action, id] = positionals;
  switch (action) {
    case 'list':
      return listJobs(store, values, output);
    case 'show': {
      const view = jobView(store, findJob(store, id));
      output.result(view, () => describeJob(view));
      return 0;
    }
    case 'logs': {
      const job = findJob(store, id);
      const lines = store.logs(job.id, { limit: 10_000 });
      output.result({ id: job.id, logs: lines }, () => lines.map((line) => `${line.at} ${line.level.padEnd(5)} ${(line.stage ?? '-').padEnd(10)} ${line.message}`).join('\n'));
      return 0;
    }
    case 'cancel':
      return settle(store.cancel(findJob(store, id).id), store, output, 'Cancelled');
    case 'retry':
      // Retrying means trying again now: queue it afresh and run it here, as `redub dub` does.
      return runToCompletion(core, [store.retry(findJob(store, id).id).id], output);
    case 'delete': {
      const job = findJob(store, id);
      store.delete(job.id);
      output.result({ id: job.id, deleted: true }, () => `Deleted job ${job.id}.`);
      return 0;
    }
    default:
      throw new RedubError('E_USAGE', { message: 'Usage: redub jobs list|show|logs|cancel|retry|delete [id].' });
  }
}

function listJobs(store: JobStore, values: { state?: string; limit?: string; offset?: string }, output: Output): number {
  const states = values.state?.split(',').map((state) => state.trim()) ?? undefined;
  const unknown = states?.find((state) => !(jobStates as readonly string[]).includes(state));
  if (unknown) throw new RedubError('E_USAGE', { message: `"${unknown}" is not a job state; use one of ${jobStates.join(', ')}.` });
  const filter = { states: states as JobState[] | undefined, limit: Number(values.limit ?? 50) || 50, offset: Number(values.offset ?? 0) || 0 };
  const jobs = store.list(filter);
  const total = store.count({ states: filter.states });
  output.result({ total, jobs: jobs.map((job) => jobView(store, job)) }, () =>
    jobs.length === 0
      ? 'No jobs.'
      : jobs.map((job) => `${job.id.slice(0, 8)}  ${job.state.padEnd(10)} ${job.language.padEnd(6)} ${String(Math.round(job.progress)).padStart(3)}%  ${job.inputPath}`).join('\n') +
        (total > jobs.length ? `\n(${jobs.length} of ${total}; use --offset to see more)` : ''),
  );
  return 0;
}

function settle(job: JobRow, store: JobStore, output: Output, verb: string): number {
  const view = jobView(store, job);
  output.result(view, () => `${verb}: job ${job.id} is now ${job.state}.`);
  return 0;
}

function findJob(store: JobStore, id: string | undefined): JobRow {
  if (!id) throw new RedubError('E_USAGE', { message: 'Give the job id, as `redub jobs list` prints it.' });
  const exact = store.get(id);
  if (exact) return exact;
  const matches = store.list({ limit: 100_000 }).filter((job) => job.id.startsWith(id));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new RedubError('E_USAGE', { message: `"${id}" matches ${matches.length} jobs; give more of the id.` });
  throw new RedubError('E_JOB_NOT_FOUND', { details: [`No job id starts with "${id}".`] });
}
