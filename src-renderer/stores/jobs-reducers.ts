// Pure functions behind the jobs store: merging summaries so the newest state always wins (events
// and list pages arrive in any order), and the filtered, sorted view the queue list shows.
import type { RedubEvent } from '../../src-main/shared/contract.js';
import { jobStates, type JobState, type JobSummary } from '../../src-main/shared/jobs.js';

export interface JobsData {
  byId: Readonly<Record<string, JobSummary>>;
  /** Ids of jobs removed while this page ran: a list page fetched before the removal must not bring them back. */
  removed: ReadonlySet<string>;
}

export interface JobFilter {
  /** Empty means every state. */
  states: readonly JobState[];
  search: string;
}

export const emptyJobsData: JobsData = { byId: {}, removed: new Set() };

function timeOf(iso: string): number {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? 0 : time;
}

/** Whether `incoming` should replace `current`: it is at least as new (ties go to the later arrival). */
export function isAtLeastAsNew(incoming: JobSummary, current: JobSummary | undefined): boolean {
  return current === undefined || timeOf(incoming.updatedAt) >= timeOf(current.updatedAt);
}

/** Merges summaries newest-wins. Returns the same object when nothing changed, so React skips a render. */
export function mergeJobs(data: JobsData, jobs: readonly JobSummary[]): JobsData {
  let byId: Record<string, JobSummary> | null = null;
  for (const job of jobs) {
    if (data.removed.has(job.id)) continue;
    const current = (byId ?? data.byId)[job.id];
    if (current === job || !isAtLeastAsNew(job, current)) continue;
    byId ??= { ...data.byId }; // one copy per batch, however many jobs changed
    byId[job.id] = job;
  }
  return byId ? { byId, removed: data.removed } : data;
}

/** Applies a batch of events in order; events that are not about jobs are left to other stores. */
export function applyJobEvents(data: JobsData, events: readonly RedubEvent[]): JobsData {
  let result = data;
  let pending: JobSummary[] = [];
  const flush = () => {
    if (pending.length > 0) result = mergeJobs(result, pending);
    pending = [];
  };
  for (const event of events) {
    if (event.type === 'job.updated') pending.push(event.job);
    else if (event.type === 'job.removed') {
      flush();
      result = removeJob(result, event.id);
    }
  }
  flush();
  return result;
}

export function removeJob(data: JobsData, id: string): JobsData {
  const removed = new Set(data.removed).add(id);
  if (!(id in data.byId)) return { byId: data.byId, removed };
  const byId = { ...data.byId };
  delete byId[id];
  return { byId, removed };
}

/**
 * After a full reload (start-up, or the event stream came back after a gap): the listed jobs, each
 * unless the store already holds a newer state, plus jobs that events brought in since the reload
 * began. Anything else the store held was deleted while we were not listening.
 */
export function replaceJobs(data: JobsData, jobs: readonly JobSummary[], reloadStartedAt: string): JobsData {
  const since = timeOf(reloadStartedAt);
  const byId: Record<string, JobSummary> = {};
  for (const job of Object.values(data.byId)) if (timeOf(job.updatedAt) >= since) byId[job.id] = job;
  return mergeJobs({ byId, removed: data.removed }, jobs);
}

/** Newest first, as people expect a queue they just dropped files into; the id breaks ties stably. */
export function compareJobs(a: JobSummary, b: JobSummary): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Every word of the search must appear in the job's file name, path, languages, state, id or error code. */
export function matchesSearch(job: JobSummary, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [job.input, job.language, job.sourceLanguage ?? '', job.state, job.state.replace('_', ' '), job.id, job.error?.code ?? '']
    .join(' ')
    .toLowerCase();
  return words.every((word) => haystack.includes(word));
}

export function visibleJobs(byId: Readonly<Record<string, JobSummary>>, filter: JobFilter): JobSummary[] {
  const states = filter.states.length > 0 ? new Set(filter.states) : null;
  return Object.values(byId)
    .filter((job) => (!states || states.has(job.state)) && matchesSearch(job, filter.search))
    .sort(compareJobs);
}

export function countJobsByState(byId: Readonly<Record<string, JobSummary>>): Record<JobState, number> {
  const counts = Object.fromEntries(jobStates.map((state) => [state, 0])) as Record<JobState, number>;
  for (const job of Object.values(byId)) counts[job.state] += 1;
  return counts;
}
