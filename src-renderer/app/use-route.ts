// Keeps the URL hash and the stores in step: the hash decides the page and the open job on load
// and on Back/Forward; navigating in the app (a nav link, Enter on a row) writes the hash.
import { useEffect } from 'react';
import { useJobsStore } from '../stores/jobs-store.js';
import { useUiStore } from '../stores/ui-store.js';
import { formatRoute, parseRoute } from './route.js';

export function useRouteSync(): void {
  useEffect(() => {
    const fromHash = () => {
      const route = parseRoute(window.location.hash);
      useUiStore.getState().setView(route.view);
      useJobsStore.getState().select(route.jobId);
    };
    fromHash();
    window.addEventListener('hashchange', fromHash);

    const toHash = () => {
      const hash = formatRoute({ view: useUiStore.getState().view, jobId: useJobsStore.getState().selectedId });
      if (hash !== window.location.hash) window.location.hash = hash;
    };
    const stopUi = useUiStore.subscribe((state, previous) => state.view !== previous.view && toHash());
    const stopJobs = useJobsStore.subscribe((state, previous) => state.selectedId !== previous.selectedId && toHash());
    return () => {
      window.removeEventListener('hashchange', fromHash);
      stopUi();
      stopJobs();
    };
  }, []);
}
