// One row of the queue list. Memoised: an event replaces only the changed job's object, so only
// that row renders again, which is what keeps thousands of rows smooth.
import { memo } from 'react';
import type { JobSummary } from '../../../src-main/shared/jobs.js';
import { fileName, formatEta, formatPercent } from '../../common/format.js';
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
  const languages = job.sourceLanguage ? `${job.sourceLanguage} → ${job.language}` : job.language;
  const remaining = remainingText(job);
  // The name says what the row shows, in its order, so a speech-input user can say what they see
  // (the spaces between the cells below keep their words apart); the progress comes last.
  const label = [name, languages, jobStateLabels[job.state], remaining, job.state === 'running' ? `${formatPercent(job.progress)} done` : ''].filter(Boolean).join(', ');
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
      aria-label={label}
      tabIndex={tabbable ? 0 : -1}
      style={{ transform: `translateY(${top}px)`, height }}
      onClick={() => onOpen(job.id)}
      onFocus={() => onFocusRow(job.id)}
    >
      <span className="job-row__name" title={job.input}>
        {name}
      </span>{' '}
      <span className="job-row__language">{languages}</span>{' '}
      <span className={`state-badge state-badge--${job.state}`} data-testid="job-state" data-state={job.state}>
        {jobStateLabels[job.state]}
      </span>{' '}
      <span className="job-row__progress">
        <ProgressBar value={job.progress} label={`Progress of ${name}`} tone={progressTone(job)} hidden />
      </span>{' '}
      <span className="job-row__eta" data-testid="job-eta">
        {remaining}
      </span>
    </div>
  );
});
