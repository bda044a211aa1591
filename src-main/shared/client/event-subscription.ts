// Follows GET /api/v1/events with fetch streaming rather than EventSource, which can neither send
// headers (the token, Last-Event-ID) nor run under Node. A connection that goes quiet for longer
// than three of the server's 15 s heartbeats is taken for dead (a sleeping laptop, a dropped
// Wi-Fi never tell the socket), and every lost connection is reopened with backoff and jitter,
// naming the last event id seen so the server can replay what was missed or say `resync`.
import { apiErrorFromResponse, unreachableError, type RedubApiError } from './api-error.js';
import { backoffDelayMs, sleep } from './backoff.js';
import { parseEventMessage, type ClientEvent } from './event-message.js';
import { apiUrl, type Transport } from './request.js';
import { SseParser } from './sse-parser.js';

export type ConnectionState = 'open' | 'lost';

export interface SubscribeOptions {
  /** 'open' each time the stream (re)opens, 'lost' when it drops (or cannot be opened). */
  onConnection?: (state: ConnectionState) => void;
  /** Resume after this event id (one a previous subscription's `lastEventId` gave). */
  lastEventId?: string | null;
  /**
   * The subscription stopped for good: the server refused it with a 4xx (a wrong token), which
   * trying again cannot mend. Transient failures are only reported as 'lost' and retried.
   */
  onError?: (error: RedubApiError) => void;
}

export interface Subscription {
  unsubscribe(): void;
  /** The id of the last event received, to resume from later; null before the first. */
  readonly lastEventId: string | null;
}

export interface StreamSettings {
  /** Silence (no bytes at all) after which the connection is taken for dead. */
  heartbeatTimeoutMs: number;
}

export const defaultHeartbeatTimeoutMs = 45_000;

class Fatal extends Error {
  constructor(readonly apiError: RedubApiError) {
    super(apiError.message);
  }
}

export function subscribeEvents(transport: Transport, settings: StreamSettings, listener: (event: ClientEvent) => void, options: SubscribeOptions = {}): Subscription {
  const stop = new AbortController();
  let lastEventId = options.lastEventId ?? null;
  let state: ConnectionState | null = null;
  let opened = false;
  const report = (next: ConnectionState) => {
    if (state === next || stop.signal.aborted) return;
    state = next;
    options.onConnection?.(next);
  };
  const deliver = (event: ClientEvent) => {
    if (stop.signal.aborted) return;
    try {
      listener(event);
    } catch (error) {
      // A listener's bug is the listener's: surface it as uncaught, as EventSource does, without
      // taking the stream down for everyone else.
      queueMicrotask(() => {
        throw error;
      });
    }
  };

  async function connectOnce(): Promise<void> {
    const attempt = new AbortController();
    const abortAttempt = () => attempt.abort(stop.signal.reason);
    stop.signal.addEventListener('abort', abortAttempt, { once: true });
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const armWatchdog = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => attempt.abort(new Error('heartbeat missed')), settings.heartbeatTimeoutMs);
    };
    try {
      armWatchdog(); // the headers must come within the same limit
      const headers: Record<string, string> = { Accept: 'text/event-stream', 'Cache-Control': 'no-cache' };
      if (transport.token) headers.Authorization = `Bearer ${transport.token}`;
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      const response = await transport.fetch(apiUrl(transport, '/events'), { method: 'GET', headers, signal: attempt.signal });
      if (!response.ok) {
        const body = await response.text().catch(() => '');
        const error = apiErrorFromResponse(response.status, parseJson(body));
        // 408 and 429 say "later", like a 5xx; any other 4xx will answer the same next time.
        if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) throw new Fatal(error);
        throw error;
      }
      if (!response.body) throw unreachableError(new Error('The event stream has no body.'));
      opened = true;
      report('open');
      const parser = new SseParser(lastEventId);
      const decoder = new TextDecoder();
      const reader = response.body.getReader();
      for (;;) {
        armWatchdog();
        const { done, value } = await reader.read();
        if (done) return; // the server ended the stream (shutting down): reconnect
        for (const message of parser.push(decoder.decode(value, { stream: true }))) {
          lastEventId = message.lastEventId;
          const event = parseEventMessage(message.data, message.event);
          if (event) deliver(event);
        }
        lastEventId = parser.lastEventId; // an `id:` line without data still moves the mark
      }
    } finally {
      clearTimeout(watchdog);
      stop.signal.removeEventListener('abort', abortAttempt);
      attempt.abort();
    }
  }

  async function follow(): Promise<void> {
    let failures = 0;
    while (!stop.signal.aborted) {
      opened = false;
      try {
        await connectOnce();
      } catch (error) {
        if (stop.signal.aborted) return;
        if (error instanceof Fatal) {
          report('lost');
          options.onError?.(error.apiError);
          stop.abort();
          return;
        }
      }
      if (stop.signal.aborted) return;
      report('lost');
      // A connection that opened resets the backoff: the next drop is a new outage.
      failures = opened ? 0 : failures + 1;
      await sleep(backoffDelayMs(failures, transport.backoff), stop.signal).catch(() => undefined);
    }
  }

  void follow();
  return {
    unsubscribe: () => stop.abort(),
    get lastEventId() {
      return lastEventId;
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
