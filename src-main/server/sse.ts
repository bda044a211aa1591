// Owns the event stream (GET /api/v1/events): Server-Sent Events carrying each RedubEvent as one
// `data:` line, a comment heartbeat so proxies and sleeping laptops notice a dead connection,
// and nothing buffered between an event happening and the bytes leaving the socket.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RedubEvent } from '../shared/contract.js';

export const heartbeatMs = 15_000;

/** One event as SSE: JSON never contains a raw newline, so one `data:` line always suffices. */
export function formatSseEvent(event: RedubEvent): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

/** A comment line, which EventSource ignores; newlines would end it early, so they are dropped. */
export function formatSseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

export interface EventSourceLike {
  onEvent(listener: (event: RedubEvent) => void): () => void;
}

/** Streams events until the client goes away; returns a function that ends the stream (server
 * shutdown). */
export function openEventStream(req: IncomingMessage, res: ServerResponse, source: EventSourceLike, options: { heartbeatMs?: number } = {}): () => void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // Tells a reverse proxy (nginx) in front of the API not to hold events back.
    'X-Accel-Buffering': 'no',
  });
  req.socket.setNoDelay(true);
  req.socket.setTimeout(0);
  // A reconnecting EventSource waits this long; the first comment flushes the headers at once.
  res.write(`retry: 2000\n${formatSseComment('connected')}`);

  let ended = false;
  const unsubscribe = source.onEvent((event) => {
    if (!ended) res.write(formatSseEvent(event));
  });
  const heartbeat = setInterval(() => res.write(formatSseComment('heartbeat')), options.heartbeatMs ?? heartbeatMs);
  heartbeat.unref();
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  };
  req.on('close', end);
  res.on('close', end);
  res.on('error', end);
  return end;
}
