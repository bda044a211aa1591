// Cancel, Retry and Delete for one job, each enabled only where the core allows it. Delete asks
// for a second press instead of a modal dialog: quick for the keyboard, and nothing to dismiss.
import { useEffect, useState } from 'react';
import type { JobSummary } from '../../../src-main/shared/jobs.js';
import { api, toApiError } from '../../bridge/index.js';
import { fileName } from '../../common/format.js';
import { useJobsStore } from '../../stores/jobs-store.js';
import { useUiStore } from '../../stores/ui-store.js';
import { availableActions } from './job-actions.js';

const confirmWindowMs = 4000;

export function JobActionBar({ job }: { job: JobSummary }) {
  const mergeJobs = useJobsStore((state) => state.mergeJobs);
  const removeJob = useJobsStore((state) => state.removeJob);
  const select = useJobsStore((state) => state.select);
  const pushToast = useUiStore((state) => state.pushToast);
  const [busy, setBusy] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const actions = availableActions(job.state);
  const name = fileName(job.input);

  useEffect(() => {
    if (!confirmingDelete) return;
    const timer = setTimeout(() => setConfirmingDelete(false), confirmWindowMs);
    return () => clearTimeout(timer);
  }, [confirmingDelete]);

  const run = async (failure: string, action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      pushToast({ kind: 'error', text: failure, error: toApiError(error).data });
    } finally {
      setBusy(false);
    }
  };

  const cancel = () => run(`${name} could not be cancelled.`, async () => mergeJobs([await api.cancelJob(job.id)]));
  const retry = () => run(`${name} could not be retried.`, async () => mergeJobs([await api.retryJob(job.id)]));
  const remove = () =>
    run(`${name} could not be deleted.`, async () => {
      setConfirmingDelete(false);
      await api.deleteJob(job.id);
      removeJob(job.id);
      select(null);
      pushToast({ kind: 'info', text: `Deleted the ${job.language} job of ${name}.` });
    });

  return (
    <div className="action-bar" role="group" aria-label="Job actions">
      <button type="button" className="button" data-testid="job-cancel" disabled={busy || !actions.cancel} onClick={() => void cancel()}>
        Cancel
      </button>
      <button type="button" className="button" data-testid="job-retry" disabled={busy || !actions.retry} onClick={() => void retry()}>
        Retry
      </button>
      <button
        type="button"
        className={`button${confirmingDelete ? ' button--danger' : ''}`}
        data-testid="job-delete"
        disabled={busy || !actions.delete}
        title={actions.delete ? undefined : 'Cancel the job before deleting it.'}
        onClick={() => (confirmingDelete ? void remove() : setConfirmingDelete(true))}
      >
        {confirmingDelete ? 'Press again to delete' : 'Delete'}
      </button>
    </div>
  );
}
