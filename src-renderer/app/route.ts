// The address of what the window shows, kept in the URL's hash: it survives a reload, works from
// file:// and custom protocols (no server routing needed), and Back closes a job's detail.
import type { View } from '../stores/ui-store.js';

export interface Route {
  view: View;
  /** The job whose detail panel is open (queue view), or whose timeline is shown (timeline view). */
  jobId: string | null;
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'models') return { view: 'models', jobId: null };
  if (parts[0] === 'settings') return { view: 'settings', jobId: null };
  if (parts[0] === 'stats') return { view: 'stats', jobId: null };
  if (parts[0] === 'jobs' && parts[1] && parts[2] === 'timeline') return { view: 'timeline', jobId: parts[1] };
  if (parts[0] === 'jobs' && parts[1]) return { view: 'queue', jobId: parts[1] };
  return { view: 'queue', jobId: null };
}

export function formatRoute(route: Route): string {
  if (route.view === 'timeline' && route.jobId) return `#/jobs/${encodeURIComponent(route.jobId)}/timeline`;
  if (route.view !== 'queue') return `#/${route.view}`;
  return route.jobId ? `#/jobs/${encodeURIComponent(route.jobId)}` : '#/queue';
}
