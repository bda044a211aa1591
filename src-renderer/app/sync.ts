// Keeps the stores in step with the core: loads jobs, queue and settings at start, then applies
// events in small batches (a busy queue sends many progress events a second, and one store update
// per batch keeps the list smooth). When the event stream comes back after a gap, everything is
// reloaded, because events sent in between are gone (the model list only once the Models view
// has asked for it).
import type { RedubApi, RedubEvent } from '../../src-main/shared/contract.js';
import type { JobSummary } from '../../src-main/shared/jobs.js';
import { toApiError } from '../bridge/api-error.js';
import type { RendererBridge } from '../bridge/choose-bridge.js';
import { useCuesStore } from '../stores/cues-store.js';
import { useJobsStore } from '../stores/jobs-store.js';
import { useLogsStore } from '../stores/logs-store.js';
import { loadModels, useModelsStore } from '../stores/models-store.js';
import { useQueueStore } from '../stores/queue-store.js';
import { useSettingsStore } from '../stores/settings-store.js';
import { useUiStore } from '../stores/ui-store.js';

const firstPageSize = 100;
const pageSize = 1000;
const batchDelayMs = 50;

/** Applies one batch of events to the stores that care about them. */
export function applyEventBatch(events: readonly RedubEvent[], api?: RedubApi): void {
  if (events.length === 0) return;
  // Cue edits made elsewhere reach an open timeline, which reloads and says so.
  for (const event of events) if (event.type === 'job.cues' && api) void useCuesStore.getState().changedTo(api, event.jobId, event.revision);
  useJobsStore.getState().applyEvents(events);
  useModelsStore.getState().applyEvents(events);
  const logs = useLogsStore.getState();
  const openLines = events.flatMap((event) => (event.type === 'job.log' && event.jobId === logs.jobId ? [event.entry] : []));
  if (logs.jobId && openLines.length > 0) logs.add(logs.jobId, openLines);
  const lastQueue = events.findLast((event) => event.type === 'queue.updated');
  if (lastQueue?.type === 'queue.updated') useQueueStore.getState().setStatus(lastQueue.queue);
}

let prefetchedFirstPage: Promise<{ total: number; jobs: JobSummary[] }> | null = null;

/**
 * Asks for the newest jobs before React renders anything: on a slow machine the first render takes
 * longer than the request, so the first rows appear that much sooner. Used once, by the first load.
 */
export function prefetchFirstPage(bridge: RendererBridge): void {
  prefetchedFirstPage = bridge.api.listJobs({ limit: firstPageSize, offset: 0 });
  prefetchedFirstPage.catch(() => undefined); // the first load reports a failure
}

function firstPage(bridge: RendererBridge): Promise<{ total: number; jobs: JobSummary[] }> {
  const page = prefetchedFirstPage ?? bridge.api.listJobs({ limit: firstPageSize, offset: 0 });
  prefetchedFirstPage = null;
  return page;
}

/** Every job, page by page (the API gives at most 1000 a page; the queue holds thousands). */
export async function loadAllJobs(bridge: RendererBridge, onPage?: (jobs: readonly JobSummary[]) => void): Promise<JobSummary[]> {
  const jobs: JobSummary[] = [];
  // A small first page fills the screen quickly; the rest comes in large pages.
  for (let offset = 0, limit = firstPageSize; ; offset += limit, limit = pageSize) {
    const page = offset === 0 ? await firstPage(bridge) : await bridge.api.listJobs({ limit, offset });
    onPage?.(page.jobs);
    jobs.push(...page.jobs);
    if (page.jobs.length < limit || jobs.length >= page.total) return jobs;
  }
}

async function reloadJobsAndQueue(bridge: RendererBridge): Promise<void> {
  const startedAt = new Date().toISOString();
  try {
    // On the first load, show each page as it arrives: the newest jobs come first and a person
    // sees them at once, instead of after every page of a long history. The full list then
    // replaces them, which also drops jobs deleted while the event stream was down.
    const showPage = useJobsStore.getState().loaded ? undefined : (page: readonly JobSummary[]) => useJobsStore.getState().mergeJobs(page);
    const [jobs, queue] = await Promise.all([loadAllJobs(bridge, showPage), bridge.api.queueStatus()]);
    useJobsStore.getState().replaceJobs(jobs, startedAt);
    useQueueStore.getState().setStatus(queue);
    useUiStore.getState().setStartupError(null);
  } catch (error) {
    const data = toApiError(error).data;
    if (useJobsStore.getState().loaded) useUiStore.getState().pushToast({ kind: 'error', text: 'The job list could not be refreshed.', error: data });
    else useUiStore.getState().setStartupError(data);
  }
}

async function loadSettings(bridge: RendererBridge): Promise<void> {
  try {
    useSettingsStore.getState().setSettings(await bridge.api.getSettings());
  } catch (error) {
    useSettingsStore.getState().setLoadError(toApiError(error).data);
  }
}

/** Starts loading and listening; returns the function that stops listening. */
export function startSync(bridge: RendererBridge): () => void {
  let batch: RedubEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    const events = batch;
    batch = [];
    applyEventBatch(events, bridge.api);
  };
  // Listen before loading, so nothing that happens during the load is missed; newest-wins merging
  // makes the order of list pages and events irrelevant.
  const stopEvents = bridge.api.onEvent((event) => {
    // The server could not replay what the stream missed: what is shown may be stale.
    if (event.type === 'resync') {
      void reloadJobsAndQueue(bridge);
      if (useModelsStore.getState().wanted) void loadModels(bridge.api);
      return;
    }
    batch.push(event);
    timer ??= setTimeout(flush, batchDelayMs);
  });
  let wasOpen = false;
  const stopConnection = bridge.onConnection((state) => {
    useUiStore.getState().setConnection(state);
    if (state !== 'open') return;
    if (wasOpen) {
      void reloadJobsAndQueue(bridge);
      if (useModelsStore.getState().wanted) void loadModels(bridge.api);
    }
    wasOpen = true;
  });
  if (bridge.kind === 'ipc') useUiStore.getState().setConnection('open');
  void reloadJobsAndQueue(bridge);
  void loadSettings(bridge);
  return () => {
    stopEvents();
    stopConnection();
    if (timer !== null) clearTimeout(timer);
  };
}
