// The job's log, live. It follows new lines only while the reader is at the bottom: scrolling up
// to read an earlier line must not be yanked away by the next progress message.
import { useLayoutEffect, useRef } from 'react';
import type { RedubErrorData } from '../../../src-main/shared/errors.js';
import { ErrorNotice } from '../../common/error-notice.js';
import { useLogsStore } from '../../stores/logs-store.js';

const bottomSlackPx = 24;
/** Lines drawn at once: the store keeps more, but a person reads the end of a live log. */
const shownLineLimit = 1500;

function timeOf(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString();
}

export function LogView({ jobId, loadError }: { jobId: string; loadError: RedubErrorData | null }) {
  const entries = useLogsStore((state) => (state.jobId === jobId ? state.entries : null));
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [entries]);

  return (
    <section className="log-section" aria-labelledby="log-heading">
      <h3 id="log-heading">Log</h3>
      {loadError ? <ErrorNotice error={loadError} title="The log could not be loaded." testId="log-error" /> : null}
      <div
        ref={scroller}
        className="log-view"
        data-testid="job-log"
        role="log"
        aria-label="Job log"
        tabIndex={0}
        onScroll={(event) => {
          const element = event.currentTarget;
          following.current = element.scrollHeight - element.scrollTop - element.clientHeight < bottomSlackPx;
        }}
      >
        {entries && entries.length > shownLineLimit ? <p className="muted">{entries.length - shownLineLimit} earlier lines are not shown.</p> : null}
        {entries && entries.length > 0 ? (
          entries.slice(-shownLineLimit).map((entry) => (
            <div key={entry.id} className={`log-line log-line--${entry.level}`}>
              <span className="log-line__time">{timeOf(entry.at)}</span>
              <span className="log-line__stage">{entry.stage ?? ''}</span>
              <span className="log-line__message">{entry.message}</span>
            </div>
          ))
        ) : (
          <p className="muted">No log lines yet.</p>
        )}
      </div>
    </section>
  );
}
