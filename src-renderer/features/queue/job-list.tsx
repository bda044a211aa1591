// The queue list, virtualised: only the rows in view (plus a few) exist in the DOM, so 5,000 jobs
// scroll like 50. Keyboard: one row is in the tab order (roving tabindex); arrows, Page Up/Down,
// Home and End move, Enter or Space opens the job's detail.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { visibleJobs } from '../../stores/jobs-reducers.js';
import { useJobsStore } from '../../stores/jobs-store.js';
import { JobRow } from './job-row.js';
import { nextRowIndex } from './list-keys.js';

const rowHeight = 52;

function countText(shown: number, total: number): string {
  const noun = total === 1 ? 'job' : 'jobs';
  return shown === total ? `${total.toLocaleString()} ${noun}` : `${shown.toLocaleString()} of ${total.toLocaleString()} ${noun}`;
}

export function JobList() {
  const byId = useJobsStore((state) => state.byId);
  const filter = useJobsStore((state) => state.filter);
  const loaded = useJobsStore((state) => state.loaded);
  const selectedId = useJobsStore((state) => state.selectedId);
  const select = useJobsStore((state) => state.select);
  // Typing in the search box stays responsive: React filters with the previous value until idle.
  const deferredFilter = useDeferredValue(filter);
  const jobs = useMemo(() => visibleJobs(byId, deferredFilter), [byId, deferredFilter]);

  const scrollElement = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: jobs.length,
    getScrollElement: () => scrollElement.current,
    estimateSize: () => rowHeight,
    overscan: 10,
    getItemKey: (index) => jobs[index]?.id ?? index,
  });

  const [activeId, setActiveId] = useState<string | null>(null);
  const activeIndex = useMemo(() => (activeId === null ? -1 : jobs.findIndex((job) => job.id === activeId)), [jobs, activeId]);
  const focusPending = useRef(false);

  const items = virtualizer.getVirtualItems();
  const activeRendered = items.some((item) => item.index === activeIndex);
  const tabbableIndex = activeRendered ? activeIndex : (items[0]?.index ?? -1);

  // After a key moved the active row, focus it once the virtualizer has rendered it.
  useEffect(() => {
    if (!focusPending.current || activeIndex < 0) return;
    const row = scrollElement.current?.querySelector<HTMLElement>(`[data-index="${activeIndex}"]`);
    if (row) {
      focusPending.current = false;
      row.focus({ preventScroll: true });
    }
  });

  const moveTo = useCallback(
    (index: number) => {
      const job = jobs[index];
      if (!job) return;
      focusPending.current = true;
      setActiveId(job.id);
      virtualizer.scrollToIndex(index, { align: 'auto' });
    },
    [jobs, virtualizer],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const pageSize = Math.floor((scrollElement.current?.clientHeight ?? rowHeight * 10) / rowHeight) - 1;
    const target = nextRowIndex(event.key, activeIndex, jobs.length, pageSize);
    if (target !== null) {
      event.preventDefault();
      moveTo(target);
      return;
    }
    if ((event.key === 'Enter' || event.key === ' ') && activeIndex >= 0) {
      event.preventDefault();
      const job = jobs[activeIndex];
      if (job) select(job.id);
    }
  };

  const onOpen = useCallback((id: string) => select(id), [select]);
  const onFocusRow = useCallback((id: string) => setActiveId(id), []);

  let emptyText: string | null = null;
  // Rows that arrived with the first page show while the rest of the list is still loading.
  if (!loaded && jobs.length === 0) emptyText = 'Loading jobs…';
  else if (jobs.length === 0) emptyText = Object.keys(byId).length === 0 ? 'No jobs yet. Drop a video above to start.' : 'No job matches the filter.';

  return (
    <div className="job-list" data-testid="job-list">
      <div className="job-list__header" aria-hidden="true">
        <span>Input</span>
        <span>Language</span>
        <span>State</span>
        <span>Progress</span>
        <span>Left</span>
      </div>
      <div ref={scrollElement} className="job-list__scroll" role="listbox" aria-label="Jobs" onKeyDown={onKeyDown}>
        {emptyText ? (
          <p className="job-list__empty" data-testid="job-list-empty">
            {emptyText}
          </p>
        ) : (
          <div className="job-list__canvas" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const job = jobs[item.index];
              if (!job) return null;
              return (
                <JobRow
                  key={item.key}
                  job={job}
                  index={item.index}
                  count={jobs.length}
                  top={item.start}
                  height={rowHeight}
                  selected={job.id === selectedId}
                  tabbable={item.index === tabbableIndex}
                  onOpen={onOpen}
                  onFocusRow={onFocusRow}
                />
              );
            })}
          </div>
        )}
      </div>
      <p className="job-list__count" aria-live="polite">
        {loaded ? countText(jobs.length, Object.keys(byId).length) : ''}
      </p>
    </div>
  );
}
