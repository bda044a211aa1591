// The log lines of the job the detail panel shows: loaded once when it opens, then appended from
// `job.log` events. Only one job's log is kept; other jobs' lines are fetched when opened.
import { create } from 'zustand';
import type { LogEntry } from '../../src-main/shared/contract.js';

/** Enough to read what went wrong; older lines stay in the job's log on disk. */
export const logLineLimit = 5000;

/**
 * Adds entries, keeping the list sorted by id without duplicates: the initial fetch and the live
 * events overlap and may arrive in either order.
 */
export function mergeLogEntries(current: readonly LogEntry[], incoming: readonly LogEntry[], limit = logLineLimit): readonly LogEntry[] {
  if (incoming.length === 0) return current;
  const lastId = current.length > 0 ? current[current.length - 1]!.id : -1;
  let merged: LogEntry[];
  if (incoming.every((entry, index) => entry.id > lastId && (index === 0 || entry.id > incoming[index - 1]!.id))) {
    merged = [...current, ...incoming]; // the common case: live lines arriving in order
  } else {
    const byId = new Map<number, LogEntry>();
    for (const entry of current) byId.set(entry.id, entry);
    for (const entry of incoming) byId.set(entry.id, entry);
    merged = [...byId.values()].sort((a, b) => a.id - b.id);
  }
  return merged.length > limit ? merged.slice(merged.length - limit) : merged;
}

export interface LogsState {
  jobId: string | null;
  entries: readonly LogEntry[];
  open(jobId: string | null): void;
  add(jobId: string, entries: readonly LogEntry[]): void;
}

export const useLogsStore = create<LogsState>()((set) => ({
  jobId: null,
  entries: [],
  open: (jobId) => set((state) => (state.jobId === jobId ? state : { jobId, entries: [] })),
  add: (jobId, entries) => set((state) => (state.jobId === jobId ? { entries: mergeLogEntries(state.entries, entries) } : state)),
}));
