// The jobs slice: summaries normalised by id and kept current by events, the queue's filter, and
// which job the detail panel shows. Logic lives in jobs-reducers.ts; this file only wires it.
import { create } from 'zustand';
import type { RedubEvent } from '../../src-main/shared/contract.js';
import type { JobState, JobSummary } from '../../src-main/shared/jobs.js';
import { applyJobEvents, emptyJobsData, mergeJobs, removeJob, replaceJobs, type JobFilter, type JobsData } from './jobs-reducers.js';

export interface JobsState extends JobsData {
  /** False until the first full list arrived: the queue shows "loading" rather than "no jobs". */
  loaded: boolean;
  filter: JobFilter;
  selectedId: string | null;
  applyEvents(events: readonly RedubEvent[]): void;
  mergeJobs(jobs: readonly JobSummary[]): void;
  replaceJobs(jobs: readonly JobSummary[], reloadStartedAt: string): void;
  removeJob(id: string): void;
  toggleStateFilter(state: JobState): void;
  clearStateFilter(): void;
  setSearch(search: string): void;
  select(id: string | null): void;
}

const dataOf = (state: JobsState): JobsData => ({ byId: state.byId, removed: state.removed });

export const useJobsStore = create<JobsState>()((set) => ({
  ...emptyJobsData,
  loaded: false,
  filter: { states: [], search: '' },
  selectedId: null,
  applyEvents: (events) => set((state) => applyJobEvents(dataOf(state), events)),
  mergeJobs: (jobs) => set((state) => mergeJobs(dataOf(state), jobs)),
  replaceJobs: (jobs, reloadStartedAt) => set((state) => ({ ...replaceJobs(dataOf(state), jobs, reloadStartedAt), loaded: true })),
  removeJob: (id) => set((state) => removeJob(dataOf(state), id)),
  toggleStateFilter: (jobState) =>
    set((state) => {
      const states = state.filter.states.includes(jobState) ? state.filter.states.filter((item) => item !== jobState) : [...state.filter.states, jobState];
      return { filter: { ...state.filter, states } };
    }),
  clearStateFilter: () => set((state) => ({ filter: { ...state.filter, states: [] } })),
  setSearch: (search) => set((state) => ({ filter: { ...state.filter, search } })),
  select: (id) => set({ selectedId: id }),
}));
