// The Stats page: how the work went over a window a person picks — jobs by state, the share that
// succeeded and failed, median and 95th-percentile times of the whole job and of each stage, how
// many minutes of video an hour were dubbed, and how often a stage reused a cached result. The
// figures come from the core (GET /stats, or IPC) and are read again when a job ends.
import { useEffect, type ReactNode } from 'react';
import { isTerminalJobState, jobStates } from '../../../src-main/shared/jobs.js';
import { api } from '../../bridge/index.js';
import { ErrorNotice } from '../../common/error-notice.js';
import { formatStageDuration } from '../../common/format.js';
import { jobStateLabels } from '../../common/job-labels.js';
import { loadStats, statsWindows, useStatsStore } from '../../stores/stats-store.js';
import { durationRows, formatMinutesPerHour, formatShare } from './stats-format.js';
import './stats.css';

/** One figure of a <dl>: its name and its value. */
function Figure({ label, testId, tone, state, children }: { label: string; testId?: string; tone?: 'success' | 'danger'; state?: string; children: ReactNode }) {
  return (
    <div className={`stats-figure${tone ? ` stats-figure--${tone}` : ''}`} data-testid={testId} data-state={state}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Jobs ending in a burst (a batch cancelled) reload the figures once, not once each. */
const reloadDelayMs = 1000;

function useReloadWhenJobsEnd(): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stop = api.onEvent((event) => {
      const ended = (event.type === 'job.updated' && isTerminalJobState(event.job.state)) || event.type === 'job.removed';
      if (!ended || timer) return;
      timer = setTimeout(() => {
        timer = null;
        void loadStats(api);
      }, reloadDelayMs);
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, []);
}

export function StatsPage() {
  const windowHours = useStatsStore((state) => state.windowHours);
  const stats = useStatsStore((state) => state.stats);
  const loading = useStatsStore((state) => state.loading);
  const loadError = useStatsStore((state) => state.loadError);

  useEffect(() => {
    void loadStats(api);
  }, []);
  useReloadWhenJobsEnd();

  const windowLabel = statsWindows.find((option) => option.hours === windowHours)?.label ?? `Last ${windowHours} hours`;

  return (
    <section className="page stats-page" aria-labelledby="stats-heading" data-testid="stats-page">
      <h1 id="stats-heading">Stats</h1>
      <div className="stats-page__controls">
        <label htmlFor="stats-window" className="field__label">
          Window
        </label>
        <select id="stats-window" value={windowHours} data-testid="stats-window" onChange={(event) => void loadStats(api, Number(event.target.value))}>
          {statsWindows.map((option) => (
            <option key={option.hours} value={option.hours}>
              {option.label}
            </option>
          ))}
        </select>
        <button type="button" className="button" onClick={() => void loadStats(api)} disabled={loading}>
          Refresh
        </button>
        <span className="muted" role="status" data-testid="stats-status">
          {loading ? 'Loading…' : stats ? `From ${new Date(stats.from).toLocaleString()} to ${new Date(stats.to).toLocaleString()}` : ''}
        </span>
      </div>
      {loadError ? <ErrorNotice error={loadError} title="The stats could not be loaded." testId="stats-load-error" /> : null}
      {stats ? (
        <>
          <section aria-labelledby="stats-outcomes-heading" className="stats-section">
            <h2 id="stats-outcomes-heading">Jobs finished ({windowLabel.toLowerCase()})</h2>
            <dl className="stats-figures">
              <Figure label="Finished" testId="stats-finished">
                {stats.jobs.finished}
              </Figure>
              <Figure label="Succeeded" testId="stats-success-rate" tone="success">
                {formatShare(stats.jobs.successRate)} <span className="muted">({stats.jobs.done})</span>
              </Figure>
              <Figure label="Failed" testId="stats-failure-rate" tone="danger">
                {formatShare(stats.jobs.failureRate)} <span className="muted">({stats.jobs.failed})</span>
              </Figure>
              <Figure label="Cancelled" testId="stats-cancelled">
                {stats.jobs.cancelled}
              </Figure>
              <Figure label="Video dubbed" testId="stats-media-rate">
                {formatMinutesPerHour(stats.mediaMinutesPerHour)}
              </Figure>
              <Figure label="Cache hits" testId="stats-cache-rate">
                {formatShare(stats.cache.hitRate)}{' '}
                <span className="muted">
                  ({stats.cache.reused} of {stats.cache.stageRuns} stages)
                </span>
              </Figure>
            </dl>
          </section>
          <section aria-labelledby="stats-durations-heading" className="stats-section">
            <h2 id="stats-durations-heading">How long the work took</h2>
            <p className="muted">Done jobs from their start to their end, and each stage that ran (a reused cached result is not timed).</p>
            <table className="stats-table" data-testid="stats-durations">
              <caption className="visually-hidden">Median and 95th-percentile durations</caption>
              <thead>
                <tr>
                  <th scope="col">Stage</th>
                  <th scope="col">Runs</th>
                  <th scope="col">Median</th>
                  <th scope="col">95th percentile</th>
                </tr>
              </thead>
              <tbody>
                {durationRows(stats).map((row) => (
                  <tr key={row.key} data-testid="stats-duration-row" data-key={row.key}>
                    <th scope="row">{row.label}</th>
                    <td>{row.count}</td>
                    <td>{formatStageDuration(row.medianMs)}</td>
                    <td>{formatStageDuration(row.p95Ms)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="stats-states-heading" className="stats-section">
            <h2 id="stats-states-heading">All jobs now</h2>
            <dl className="stats-figures" data-testid="stats-by-state">
              {jobStates.map((state) => (
                <Figure key={state} label={jobStateLabels[state]} state={state}>
                  {stats.jobs.byState[state]}
                </Figure>
              ))}
            </dl>
          </section>
        </>
      ) : null}
    </section>
  );
}
