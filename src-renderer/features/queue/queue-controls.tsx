// Pause and resume the whole queue; the button says which of the two it will do. What a pause
// means for jobs already running is the core's rule, so the status line shows its counts as is.
import { useState } from 'react';
import { api, toApiError } from '../../bridge/index.js';
import { useQueueStore } from '../../stores/queue-store.js';
import { useUiStore } from '../../stores/ui-store.js';

export function QueueControls() {
  const status = useQueueStore((state) => state.status);
  const setStatus = useQueueStore((state) => state.setStatus);
  const pushToast = useUiStore((state) => state.pushToast);
  const [busy, setBusy] = useState(false);

  const toggle = async () => {
    if (!status) return;
    setBusy(true);
    try {
      setStatus(await api.setQueuePaused(!status.paused));
    } catch (error) {
      pushToast({ kind: 'error', text: status.paused ? 'The queue could not be resumed.' : 'The queue could not be paused.', error: toApiError(error).data });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="queue-controls">
      <span className="queue-controls__status" data-testid="queue-status">
        {status ? `${status.paused ? 'Paused' : 'Running'} · ${status.counts.running} running · ${status.depth} waiting` : 'Queue status loading…'}
      </span>
      <button type="button" className="button" data-testid="queue-pause" disabled={!status || busy} onClick={() => void toggle()}>
        {status?.paused ? 'Resume queue' : 'Pause queue'}
      </button>
    </div>
  );
}
