// Owns the event stream (GET /api/v1/events): Server-Sent Events carrying each RedubEvent as one
// `data:` line after its `id:` line, a comment heartbeat so proxies and sleeping laptops notice a
// dead connection, nothing buffered between an event happening and the bytes leaving the socket,
// and a resumed stream (Last-Event-ID) that replays what the client missed first.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RedubEvent } from '../shared/contract.js';
import { followJournal, type EventJournal } from './event-journal.js';

export const heartbeatMs = 15_000;
/** A client this far behind is cut off rather than buffered for; it resumes from its last id. */
export const maxBufferedBytes = 4 * 1024 * 1024;

/** One event as SSE: JSON never contains a raw newline, so one `data:` line always suffices. */
export function formatSseEvent(event: RedubEvent, id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(event)}\n\n`;
}

/** A comment line, which EventSource ignores; newlines would end it early, so they are dropped. */
export function formatSseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/** The id to resume after: EventSource's own Last-Event-ID on a reconnect wins over the query,
 * which still holds whatever the first connection asked for. */
export function resumeId(req: IncomingMessage, query: URLSearchParams): string | null {
  const header = req.headers['last-event-id'];
  const fromHeader = typeof header === 'string' ? header.trim() : '';
  return fromHeader || query.get('lastEventId')?.trim() || null;
}

/** Streams events until the client goes away; returns a function that ends the stream (server
 * shutdown). */
export function openEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  journal: EventJournal,
  options: { heartbeatMs?: number; lastEventId?: string | null; maxBufferedBytes?: number } = {},
): () => void {
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

  const limit = options.maxBufferedBytes ?? maxBufferedBytes;
  let ended = false;
  let unsubscribe = () => {};
  const write = (text: string) => {
    if (ended) return;
    // A client that stopped reading would make this buffer grow without end. Dropping the
    // connection frees it; EventSource reconnects with the last id it fully received.
    if (!res.write(text) && (req.socket.writableLength ?? 0) > limit) {
      end();
      req.socket.destroy();
    }
  };
  const heartbeat = setInterval(() => write(formatSseComment('heartbeat')), options.heartbeatMs ?? heartbeatMs);
  heartbeat.unref();
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  };
  unsubscribe = followJournal(journal, options.lastEventId ?? null, (entry) => write(formatSseEvent(entry.event, entry.id)));
  if (ended) unsubscribe();
  req.on('close', end);
  res.on('close', end);
  res.on('error', end);
  return end;
}
