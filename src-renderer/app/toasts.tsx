// Short messages about what just happened (queued, saved, could not cancel). Information fades
// after a few seconds; errors stay until dismissed, since their action may need reading.
import { useEffect } from 'react';
import { useUiStore, type Toast } from '../stores/ui-store.js';
import './toasts.css';

const infoLifetimeMs = 5000;

function ToastItem({ toast }: { toast: Toast }) {
  const dismiss = useUiStore((state) => state.dismissToast);
  useEffect(() => {
    if (toast.kind !== 'info') return;
    const timer = setTimeout(() => dismiss(toast.id), infoLifetimeMs);
    return () => clearTimeout(timer);
  }, [toast, dismiss]);
  return (
    <li className={`toast toast--${toast.kind}`} data-testid="toast" data-kind={toast.kind}>
      <div className="toast__body">
        <p className="toast__text">{toast.text}</p>
        {toast.error ? (
          <>
            <p>{toast.error.message}</p>
            {toast.error.details?.map((detail, index) => (
              <p key={index} className="muted">
                {detail}
              </p>
            ))}
            <p className="toast__action">{toast.error.action}</p>
          </>
        ) : null}
      </div>
      <button type="button" className="button button--quiet" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
        ✕
      </button>
    </li>
  );
}

export function Toasts() {
  const toasts = useUiStore((state) => state.toasts);
  return (
    <ol className="toasts" aria-live="polite" aria-label="Notifications">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </ol>
  );
}
