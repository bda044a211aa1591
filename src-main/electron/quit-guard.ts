// Quitting waits for the service to close (workers killed, database closed), once. Electron's
// before-quit is cancelled while the service closes, then quit is asked again; a close that hangs
// does not keep Redub open past the deadline.
export interface QuitGuardOptions {
  close: () => Promise<void>;
  quit: () => void;
  /** How long closing may take before Redub quits anyway. */
  deadlineMs?: number;
  onError?: (error: unknown) => void;
}

export function createQuitGuard({ close, quit, deadlineMs = 10_000, onError }: QuitGuardOptions): (event: { preventDefault(): void }) => void {
  let state: 'running' | 'closing' | 'closed' = 'running';
  return (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
    });
    void Promise.race([close().catch((error: unknown) => onError?.(error)), deadline]).finally(() => {
      clearTimeout(timer);
      state = 'closed';
      quit();
    });
  };
}
