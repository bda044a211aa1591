// Opens a job's log in the logs store: the lines written so far are fetched page by page, and
// lines written from now on arrive as events (app/sync.ts routes them to the open job).
import { useEffect, useState } from 'react';
import type { RedubErrorData } from '../../../src-main/shared/errors.js';
import { api, toApiError } from '../../bridge/index.js';
import { logLineLimit, useLogsStore } from '../../stores/logs-store.js';

const pageSize = 1000;

export function useJobLogs(id: string): RedubErrorData | null {
  const [error, setError] = useState<RedubErrorData | null>(null);
  useEffect(() => {
    let live = true;
    const { open, add } = useLogsStore.getState();
    open(id);
    setError(null);
    void (async () => {
      try {
        let afterId: number | undefined;
        // Pages come oldest first; past the store's limit only the newest lines are kept anyway.
        for (let page = 0; live && page < Math.ceil((logLineLimit * 4) / pageSize); page += 1) {
          const { logs } = await api.getLogs(id, afterId === undefined ? { limit: pageSize } : { afterId, limit: pageSize });
          if (!live) return;
          add(id, logs);
          if (logs.length < pageSize) return;
          afterId = logs[logs.length - 1]!.id;
        }
      } catch (caught) {
        if (live) setError(toApiError(caught).data);
      }
    })();
    return () => {
      live = false;
      if (useLogsStore.getState().jobId === id) open(null);
    };
  }, [id]);
  return error;
}
