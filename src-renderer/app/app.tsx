// The app shell: navigation (Queue, Models, Stats, Settings), the open job as a side panel beside the
// queue, connection and start-up problems as a banner, and toasts. Pages come from features/;
// the shell is the one place that composes them.
import { useEffect } from 'react';
import { bridge } from '../bridge/index.js';
import { ErrorNotice } from '../common/error-notice.js';
import { ModelsPage } from '../features/models/models-page.js';
import { QueuePage } from '../features/queue/queue-page.js';
import { SettingsPage } from '../features/settings/settings-page.js';
import { StatsPage } from '../features/stats/stats-page.js';
import { TimelineView } from '../features/timeline/timeline-view.js';
import { useJobsStore } from '../stores/jobs-store.js';
import { useSettingsStore } from '../stores/settings-store.js';
import { useUiStore, type View } from '../stores/ui-store.js';
import { JobPanel } from './job-panel.js';
import { formatRoute } from './route.js';
import { startSync } from './sync.js';
import { applyTheme } from './theme.js';
import { Toasts } from './toasts.js';
import { useRouteSync } from './use-route.js';

const navigation: readonly { view: View; label: string }[] = [
  { view: 'queue', label: 'Queue' },
  { view: 'models', label: 'Models' },
  { view: 'stats', label: 'Stats' },
  { view: 'settings', label: 'Settings' },
];

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

export function App() {
  const view = useUiStore((state) => state.view);
  const theme = useUiStore((state) => state.theme);
  const connection = useUiStore((state) => state.connection);
  const startupError = useUiStore((state) => state.startupError);
  const selectedId = useJobsStore((state) => state.selectedId);
  const settingsTheme = useSettingsStore((state) => state.settings?.theme);

  useRouteSync();
  useEffect(() => startSync(bridge), []);
  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    if (settingsTheme) useUiStore.getState().setTheme(settingsTheme);
  }, [settingsTheme]);

  // Escape closes the open job, unless the key belongs to a field being typed in.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented && !isTyping(event.target) && useUiStore.getState().view === 'queue') useJobsStore.getState().select(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className={`app${view === 'queue' && selectedId ? ' app--with-panel' : ''}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app__header">
        <span className="app__brand">Redub</span>
        <nav aria-label="Main">
          <ul className="app__nav">
            {navigation.map((item) => (
              <li key={item.view}>
                <a href={formatRoute({ view: item.view, jobId: null })} aria-current={view === item.view ? 'page' : undefined} data-testid={`nav-${item.view}`}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span className={`connection connection--${connection}`} data-testid="connection" data-state={connection} title={bridge.kind === 'ipc' ? 'Connected to the desktop app' : 'Live updates from the local API'}>
          {connection === 'open' ? 'Live' : connection === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </span>
      </header>
      {startupError ? (
        <div className="app__banner">
          <ErrorNotice error={startupError} title="Redub could not load the jobs." testId="startup-error" />
          {startupError.code === 'E_UNAUTHORIZED' && bridge.kind === 'http' ? (
            // The API's action speaks to scripts (a header); a person in a browser needs the URL form.
            <p className="app__hint">
              Open this page as <code>{`${window.location.origin}/?token=`}</code> followed by the token in <code>api-token</code> in Redub&apos;s data folder; the page remembers it.
            </p>
          ) : null}
        </div>
      ) : null}
      <main id="main" className="app__main" tabIndex={-1}>
        {view === 'queue' ? <QueuePage /> : view === 'models' ? <ModelsPage /> : view === 'stats' ? <StatsPage /> : view === 'timeline' && selectedId ? <TimelineView key={selectedId} jobId={selectedId} /> : <SettingsPage />}
      </main>
      {view === 'queue' && selectedId ? <JobPanel key={selectedId} jobId={selectedId} /> : null}
      <Toasts />
    </div>
  );
}
