// One row of the queue list. Memoised: an event replaces only the changed job's object, so only
// that row renders again, which is what keeps thousands of rows smooth.
import { memo } from 'react';
import type { JobSummary } from '../../../src-main/shared/jobs.js';
import { fileName, formatEta } from '../../common/format.js';
import { jobStateLabels } from '../../common/job-labels.js';
import { ProgressBar } from '../../common/progress-bar.js';

export interface JobRowProps {
  job: JobSummary;
  index: number;
  count: number;
  top: number;
  height: number;
  selected: boolean;
  tabbable: boolean;
  onOpen(id: string): void;
  onFocusRow(id: string): void;
}

function progressTone(job: JobSummary): 'normal' | 'done' | 'failed' | 'muted' {
  if (job.state === 'done') return 'done';
  if (job.state === 'failed') return 'failed';
  if (job.state === 'cancelled') return 'muted';
  return 'normal';
}

/** What the last column says: time left while work remains, the attempt while waiting to retry. */
function remainingText(job: JobSummary): string {
  if (job.state === 'running') return formatEta(job.etaMs);
  if (job.state === 'retry_wait') return `attempt ${job.attempts + 1} of ${job.maxAttempts}`;
  if (job.state === 'queued') return job.etaMs === null ? 'waiting' : formatEta(job.etaMs);
  if (job.state === 'failed') return job.error?.code ?? '';
  return '';
}

export const JobRow = memo(function JobRow({ job, index, count, top, height, selected, tabbable, onOpen, onFocusRow }: JobRowProps) {
  const name = fileName(job.input);
  return (
    <div
      role="option"
      className={`job-row${selected ? ' job-row--selected' : ''}`}
      data-testid="job-row"
      data-job-id={job.id}
      data-index={index}
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={count}
      aria-label={`${name}, ${job.language}, ${jobStateLabels[job.state]}`}
      tabIndex={tabbable ? 0 : -1}
      style={{ transform: `translateY(${top}px)`, height }}
      onClick={() => onOpen(job.id)}
      onFocus={() => onFocusRow(job.id)}
    >
      <span className="job-row__name" title={job.input}>
        {name}
      </span>
      <span className="job-row__language">{job.sourceLanguage ? `${job.sourceLanguage} → ${job.language}` : job.language}</span>
      <span className={`state-badge state-badge--${job.state}`} data-testid="job-state" data-state={job.state}>
        {jobStateLabels[job.state]}
      </span>
      <span className="job-row__progress">
        <ProgressBar value={job.progress} label={`Progress of ${name}`} tone={progressTone(job)} />
      </span>
      <span className="job-row__eta" data-testid="job-eta">
        {remainingText(job)}
      </span>
    </div>
  );
});
