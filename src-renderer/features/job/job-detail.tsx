// The detail of one job: what it is, where it stands overall and per stage, why it failed and what
// to do about it, its cues and its live log.
import { fileName, formatDateTime, formatEta, formatPercent } from '../../common/format.js';
import { ErrorNotice } from '../../common/error-notice.js';
import { jobStateLabels } from '../../common/job-labels.js';
import { ProgressBar } from '../../common/progress-bar.js';
import { useJobsStore } from '../../stores/jobs-store.js';
import { CueTable } from './cue-table.js';
import { JobActionBar } from './job-action-bar.js';
import { LogView } from './log-view.js';
import { StageTable } from './stage-table.js';
import { useJobDetails } from './use-job-details.js';
import { useJobLogs } from './use-job-logs.js';
import './job.css';

export function JobDetail({ jobId }: { jobId: string }) {
  const { job, error, loading } = useJobDetails(jobId);
  const logError = useJobLogs(jobId);
  const removed = useJobsStore((state) => state.removed.has(jobId));

  if (removed) return <p className="job-detail__empty" data-testid="job-removed">This job was deleted.</p>;
  if (error && !job) return <ErrorNotice error={error} title="The job could not be loaded." testId="job-load-error" />;
  if (loading || !job) return <p className="job-detail__empty">Loading the job…</p>;

  const running = job.state === 'running' || job.state === 'queued' || job.state === 'retry_wait';
  return (
    <article className="job-detail" data-testid="job-detail" data-job-id={job.id} aria-labelledby="job-detail-title">
      <header className="job-detail__header">
        <h2 id="job-detail-title" title={job.input}>
          {fileName(job.input)}
        </h2>
        <p className="job-detail__meta">
          {job.sourceLanguage ? `${job.sourceLanguage} → ` : ''}
          <strong>{job.language}</strong> · <span className={`state-badge state-badge--${job.state}`} data-testid="job-detail-state" data-state={job.state}>{jobStateLabels[job.state]}</span> · attempt {job.attempts} of {job.maxAttempts}
        </p>
      </header>
      <div className="job-detail__overall">
        <ProgressBar value={job.progress} label="Overall progress" tone={job.state === 'failed' ? 'failed' : job.state === 'done' ? 'done' : 'normal'} />
        <span data-testid="job-progress">{formatPercent(job.progress)}</span>
        {running ? <span data-testid="job-eta-detail">{formatEta(job.etaMs)} left</span> : null}
      </div>
      <JobActionBar job={job} />
      {(job.state === 'done' || job.state === 'failed') && job.cues.length > 0 ? (
        <p>
          <a className="button" href={`#/jobs/${encodeURIComponent(job.id)}/timeline`} data-testid="job-open-timeline">
            Open the timeline
          </a>
        </p>
      ) : null}
      {job.error ? <ErrorNotice error={job.error} title={job.state === 'retry_wait' ? 'The last attempt failed; Redub will try again.' : undefined} testId="job-error" /> : null}
      {error ? <ErrorNotice error={error} title="The stages could not be refreshed." testId="job-refresh-error" /> : null}
      <StageTable stages={job.stages} />
      <dl className="job-detail__facts">
        <dt>Queued</dt>
        <dd>{formatDateTime(job.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{formatDateTime(job.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatDateTime(job.finishedAt)}</dd>
        {job.outputs.video ? (
          <>
            <dt>Dubbed video</dt>
            <dd className="break">{job.outputs.video}</dd>
          </>
        ) : null}
        {job.outputs.subtitles ? (
          <>
            <dt>Subtitles</dt>
            <dd className="break">{[job.outputs.subtitles, job.outputs.webVtt, job.outputs.ass].filter(Boolean).join(', ')}</dd>
          </>
        ) : null}
        <dt>Job id</dt>
        <dd className="break">{job.id}</dd>
      </dl>
      {job.warnings.length > 0 ? (
        <section className="job-warnings" aria-labelledby="job-warnings-title" data-testid="job-warnings">
          <h3 id="job-warnings-title">Warnings ({job.warnings.length})</h3>
          {/* It scrolls when long, so it takes focus: keyboard users can scroll it too. */}
          <ul tabIndex={0} aria-labelledby="job-warnings-title">
            {job.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {job.cues.length > 0 ? <CueTable cues={job.cues} /> : null}
      <LogView jobId={job.id} loadError={logError} />
    </article>
  );
}
