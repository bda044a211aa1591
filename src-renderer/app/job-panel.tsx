// The side panel for the open job: its detail and its preview as two tabs. The app composes the
// two features here, since features do not import each other. The shell mounts it keyed by job
// id, so opening another job starts again on the Details tab.
import { useRef, useState, type KeyboardEvent } from 'react';
import { JobDetail } from '../features/job/job-detail.js';
import { PreviewPanel } from '../features/preview/preview-panel.js';
import { useJobsStore } from '../stores/jobs-store.js';

type Tab = 'detail' | 'preview';
const tabs: readonly { id: Tab; label: string }[] = [
  { id: 'detail', label: 'Details' },
  { id: 'preview', label: 'Preview' },
];

export function JobPanel({ jobId }: { jobId: string }) {
  const select = useJobsStore((state) => state.select);
  const [tab, setTab] = useState<Tab>('detail');
  const tabButtons = useRef<Record<Tab, HTMLButtonElement | null>>({ detail: null, preview: null });

  // Arrow keys move between tabs, as in every tab list (WAI-ARIA authoring practices).
  const onTabKey = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const next: Tab = tab === 'detail' ? 'preview' : 'detail';
    setTab(next);
    tabButtons.current[next]?.focus();
  };

  return (
    <aside className="job-panel" aria-label="Job" data-testid="job-panel">
      <div className="job-panel__bar">
        <div role="tablist" aria-label="Job views" className="tabs" onKeyDown={onTabKey}>
          {tabs.map(({ id, label }) => (
            <button
              key={id}
              ref={(element) => {
                tabButtons.current[id] = element;
              }}
              type="button"
              role="tab"
              id={`job-tab-${id}`}
              aria-selected={tab === id}
              aria-controls={`job-tabpanel-${id}`}
              tabIndex={tab === id ? 0 : -1}
              className="tab"
              data-testid={`job-tab-${id}`}
              onClick={() => setTab(id)}
            >
              {label}
            </button>
          ))}
        </div>
        <button type="button" className="button button--quiet" data-testid="job-panel-close" aria-label="Close the job (Escape)" onClick={() => select(null)}>
          ✕
        </button>
      </div>
      <div role="tabpanel" id={`job-tabpanel-${tab}`} aria-labelledby={`job-tab-${tab}`} className="job-panel__content">
        {tab === 'detail' ? <JobDetail jobId={jobId} /> : <PreviewPanel jobId={jobId} />}
      </div>
    </aside>
  );
}
