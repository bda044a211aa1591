// The stats slice: the window a person picked and the figures the core last gave for it. Loads
// can overlap (a change of window while the last one is slow, a job finishing meanwhile); only
// the answer to the newest request is kept, so a slow 24-hour reply never shows under "30 days".
import { create } from 'zustand';
import type { RedubApi, Stats } from '../../src-main/shared/contract.js';
import type { RedubErrorData } from '../../src-main/shared/errors.js';
import { toApiError } from '../bridge/api-error.js';

/** The windows the page offers, in hours. */
export const statsWindows = [
  { hours: 24, label: 'Last 24 hours' },
  { hours: 24 * 7, label: 'Last 7 days' },
  { hours: 24 * 30, label: 'Last 30 days' },
] as const;

export interface StatsState {
  windowHours: number;
  stats: Stats | null;
  loading: boolean;
  loadError: RedubErrorData | null;
}

export const useStatsStore = create<StatsState>()(() => ({ windowHours: 24, stats: null, loading: false, loadError: null }));

let latest = 0;

/** Loads the figures for `windowHours` (the store's window when not given); a newer call wins. */
export async function loadStats(api: Pick<RedubApi, 'getStats'>, windowHours = useStatsStore.getState().windowHours): Promise<void> {
  const request = ++latest;
  const changed = windowHours !== useStatsStore.getState().windowHours;
  // Figures of another window must not stand under the new window's name while it loads.
  useStatsStore.setState({ windowHours, loading: true, ...(changed ? { stats: null } : {}) });
  try {
    const stats = await api.getStats({ windowHours });
    if (request === latest) useStatsStore.setState({ stats, loading: false, loadError: null });
  } catch (error) {
    if (request === latest) useStatsStore.setState({ loading: false, loadError: toApiError(error).data });
  }
}
