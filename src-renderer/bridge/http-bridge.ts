// RedubApi over the local HTTP API, for the renderer served by `redub serve` in a plain browser:
// the project's one HTTP client (`redub/client`) with the page's token, one event connection
// shared by every listener, and one extra method to upload dropped files, since a browser page
// cannot name a path on disk.
import type { RedubApi, RedubEvent } from '../../src-main/shared/contract.js';
import type { JobSummary } from '../../src-main/shared/jobs.js';
import { createRedubClient, type BackoffPolicy, type FetchFunction, type JobUpload, type Subscription } from '../../src-main/shared/client/index.js';

export type { JobUpload } from '../../src-main/shared/client/index.js';

export type ConnectionState = 'connecting' | 'open' | 'closed';
export type ConnectionListener = (state: ConnectionState) => void;

export interface HttpBridge extends RedubApi {
  uploadJobs(upload: JobUpload): Promise<{ jobs: JobSummary[] }>;
  onConnection(listener: ConnectionListener): () => void;
}

export interface HttpBridgeOptions {
  /** Origin of the API ('' means this page's own origin, which is how `redub serve` serves us). */
  origin?: string;
  token: string | null;
  fetch?: FetchFunction;
  heartbeatTimeoutMs?: number;
  backoff?: Partial<BackoffPolicy>;
}

export function createHttpBridge(options: HttpBridgeOptions): HttpBridge {
  const client = createRedubClient({
    baseUrl: options.origin ?? '',
    token: options.token,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.heartbeatTimeoutMs ? { heartbeatTimeoutMs: options.heartbeatTimeoutMs } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  const listeners = new Set<(event: RedubEvent) => void>();
  const connectionListeners = new Set<ConnectionListener>();
  let subscription: Subscription | null = null;
  // Kept across a close and reopen, so a page that stops and starts listening resumes where it was.
  let lastEventId: string | null = null;
  const announce = (state: ConnectionState) => connectionListeners.forEach((listener) => listener(state));

  function onEvent(listener: (event: RedubEvent) => void): () => void {
    listeners.add(listener);
    if (!subscription) {
      announce('connecting');
      subscription = client.subscribe((event) => listeners.forEach((each) => each(event)), {
        lastEventId,
        // The client reconnects by itself after a loss; the page shows "Reconnecting…" meanwhile.
        onConnection: (state) => announce(state === 'open' ? 'open' : 'closed'),
      });
    }
    return () => {
      listeners.delete(listener);
      if (listeners.size > 0 || !subscription) return;
      lastEventId = subscription.lastEventId;
      subscription.unsubscribe();
      subscription = null;
    };
  }

  return {
    createJobs: (request) => client.createJobs(request),
    uploadJobs: (upload) => client.uploadJobs(upload),
    listJobs: (query) => client.listJobs(query),
    getJob: (id) => client.getJob(id),
    getLogs: (id, query) => client.getLogs(id, query),
    cancelJob: (id) => client.cancelJob(id),
    retryJob: (id) => client.retryJob(id),
    deleteJob: (id) => client.deleteJob(id),
    queueStatus: () => client.queueStatus(),
    setQueuePaused: (paused) => client.setQueuePaused(paused),
    getSettings: () => client.getSettings(),
    updateSettings: (patch) => client.updateSettings(patch),
    previewSources: (id) => client.previewSources(id),
    getCues: (id) => client.getCues(id),
    editCues: (id, request) => client.editCues(id, request),
    renderJob: (id) => client.renderJob(id),
    replaceLipSync: (id, request) => client.replaceLipSync(id, request),
    replaceSpeakerVoices: (id, request) => client.replaceSpeakerVoices(id, request),
    getWaveform: (id, query) => client.getWaveform(id, query),
    listModels: () => client.listModels(),
    installModel: (id) => client.installModel(id),
    importModel: (id, source) => client.importModel(id, source),
    verifyModel: (id) => client.verifyModel(id),
    removeModel: (id) => client.removeModel(id),
    getStats: (query) => client.getStats(query),
    onEvent,
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}
