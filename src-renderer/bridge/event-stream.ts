// One Server-Sent Events connection shared by every listener, opened on the first subscription and
// closed after the last. EventSource retries dropped connections itself, but gives up for good
// when the server answers with an error status (e.g. while it restarts); then we reopen it with a
// growing delay. Listeners hear when the stream (re)opens, because events sent while it was down
// are lost and the caller must reload what it shows.
import type { RedubEvent } from '../../src-main/shared/contract.js';

/** The part of the browser's EventSource this module uses, so tests can supply a fake. */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  close(): void;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

export type ConnectionState = 'connecting' | 'open' | 'closed';
export type ConnectionListener = (state: ConnectionState) => void;

const closedReadyState = 2;
const eventTypes = ['job.updated', 'job.removed', 'job.log', 'job.cues', 'queue.updated', 'model.updated', 'model.removed'] as const;
export const reconnectDelaysMs = [1000, 2000, 5000, 10_000, 30_000];

/**
 * Reads one SSE message as a RedubEvent. The server may send the event as the data of an unnamed
 * message (`data: {"type":…}`) or as a named event whose data is the event or only its body.
 */
export function parseEventMessage(data: string, eventName?: string): RedubEvent | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const candidate = (typeof (parsed as { type?: unknown }).type === 'string' ? parsed : { ...parsed, type: eventName }) as Record<string, unknown>;
  switch (candidate.type) {
    case 'job.updated':
      return isObject(candidate.job) && typeof candidate.job.id === 'string' ? (candidate as unknown as RedubEvent) : null;
    case 'job.removed':
      return typeof candidate.id === 'string' ? (candidate as unknown as RedubEvent) : null;
    case 'job.log':
      return typeof candidate.jobId === 'string' && isObject(candidate.entry) && typeof candidate.entry.id === 'number' ? (candidate as unknown as RedubEvent) : null;
    case 'job.cues':
      return typeof candidate.jobId === 'string' && Number.isInteger(candidate.revision) ? (candidate as unknown as RedubEvent) : null;
    case 'queue.updated':
      return isObject(candidate.queue) ? (candidate as unknown as RedubEvent) : null;
    case 'model.updated':
      // `pack` comes with a finished task; progress events carry null (an older server may leave it out).
      return isObject(candidate.task) && typeof candidate.task.packId === 'string' && (candidate.pack === undefined || candidate.pack === null || isObject(candidate.pack))
        ? ({ ...candidate, pack: candidate.pack ?? null } as unknown as RedubEvent)
        : null;
    case 'model.removed':
      return typeof candidate.id === 'string' && (candidate.pack === undefined || candidate.pack === null || isObject(candidate.pack))
        ? ({ ...candidate, pack: candidate.pack ?? null } as unknown as RedubEvent)
        : null;
    default:
      return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export interface EventStreamOptions {
  url: () => string;
  create: EventSourceFactory;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface EventStream {
  subscribe(listener: (event: RedubEvent) => void): () => void;
  onConnection(listener: ConnectionListener): () => void;
}

export function createEventStream(options: EventStreamOptions): EventStream {
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  const listeners = new Set<(event: RedubEvent) => void>();
  const connectionListeners = new Set<ConnectionListener>();
  let source: EventSourceLike | null = null;
  let retryTimer: unknown = null;
  let failures = 0;

  const announce = (state: ConnectionState) => connectionListeners.forEach((listener) => listener(state));
  const deliver = (data: string, eventName?: string) => {
    const event = parseEventMessage(data, eventName);
    if (event) listeners.forEach((listener) => listener(event));
  };

  function open(): void {
    announce('connecting');
    const current = options.create(options.url());
    source = current;
    current.onopen = () => {
      failures = 0;
      announce('open');
    };
    current.onmessage = (message) => deliver(String(message.data));
    for (const type of eventTypes) current.addEventListener(type, (message) => deliver(String(message.data), type));
    current.onerror = () => {
      if (source !== current) return;
      if (current.readyState !== closedReadyState) {
        announce('connecting'); // the browser is already retrying
        return;
      }
      current.close();
      source = null;
      announce('closed');
      const delay = reconnectDelaysMs[Math.min(failures, reconnectDelaysMs.length - 1)] ?? 30_000;
      failures += 1;
      retryTimer = setTimer(() => {
        retryTimer = null;
        if (listeners.size > 0) open();
      }, delay);
    };
  }

  function stop(): void {
    if (retryTimer !== null) clearTimer(retryTimer);
    retryTimer = null;
    source?.close();
    source = null;
    failures = 0;
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!source && retryTimer === null) open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}
