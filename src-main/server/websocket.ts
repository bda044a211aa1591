// Owns the local API's WebSockets, on the HTTP server's port and under its rules (loopback Host,
// the API token): /api/v1/ws carries every event as the SSE stream does, resumable by
// ?lastEventId=, and /api/v1/jobs/{id}/progress follows one job until it ends and takes a cancel.
// It also owns the faults a long-lived socket meets: a client that vanished without closing
// (pinged, and dropped when it stops answering), one too slow to read (closed before its backlog
// grows without bound), and garbage sent to us (answered with an error, never a crash).
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { RedubEvent } from '../shared/contract.js';
import { RedubError, toErrorData, type RedubErrorData } from '../shared/errors.js';
import { isTerminalJobState, type JobDetails, type JobSummary } from '../shared/jobs.js';
import type { RedubService } from '../core/service/redub-service.js';
import { presentedToken, tokensMatch } from './api-token.js';
import { followJournal, type EventJournal, type JournalEntry } from './event-journal.js';
import { statusForError } from './http-io.js';
import { isLoopbackHost } from './loopback-host.js';

export const eventsSocketPath = '/api/v1/ws';
export const defaultPingMs = 30_000;
/** What one client may have waiting in our send buffer before it is told to reconnect. */
export const maxBufferedBytes = 4 * 1024 * 1024;
/** Client messages are a few bytes ({"type":"ping"}); a larger one is a mistake or an attack. */
const maxMessageBytes = 64 * 1024;
const closeGraceMs = 2000;

export const closeCodes = {
  normal: 1000,
  goingAway: 1001,
  tryAgainLater: 1013,
  badJobId: 4400,
  jobNotFound: 4404,
} as const;

export interface WebSocketGatewayOptions {
  service: RedubService;
  journal: EventJournal;
  token: string;
  /** How often each socket is pinged; one that has not answered the previous ping is dropped. */
  pingMs?: number;
  maxBufferedBytes?: number;
  /** Where unexpected errors go (never to the client). */
  report(error: unknown): void;
}

export interface WebSocketGateway {
  /** The HTTP server's 'upgrade' listener. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket with 1001, and stops pinging. */
  close(): Promise<void>;
}

type Target = { kind: 'events' } | { kind: 'job'; segment: string };

export function createWebSocketGateway(options: WebSocketGatewayOptions): WebSocketGateway {
  const { service, journal, token, report } = options;
  const limit = options.maxBufferedBytes ?? maxBufferedBytes;
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes, clientTracking: false });
  const sockets = new Set<WebSocket>();
  const answered = new WeakSet<WebSocket>();
  let closing = false;

  const heartbeat = setInterval(() => {
    for (const ws of sockets) {
      // No pong since the last ping: the peer is gone (a sleeping laptop, a pulled cable) and
      // TCP alone would keep the socket, and its subscription, for a long time.
      if (!answered.has(ws)) {
        ws.terminate();
        continue;
      }
      answered.delete(ws);
      ws.ping();
    }
  }, options.pingMs ?? defaultPingMs);
  heartbeat.unref();

  const send = (ws: WebSocket, message: unknown): boolean => sendOrShed(ws, message, limit);
  const sendEntry = (ws: WebSocket, entry: JournalEntry) => send(ws, { id: entry.id, ...entry.event });
  const sendError = (ws: WebSocket, error: unknown) => send(ws, { type: 'error', error: publicError(error, report) });

  function accept(ws: WebSocket, target: Target, req: IncomingMessage, query: URLSearchParams): void {
    sockets.add(ws);
    answered.add(ws);
    ws.on('pong', () => answered.add(ws));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => sockets.delete(ws));
    const jobId = target.kind === 'job' ? decodeSegment(target.segment) : null;
    ws.on('message', (data, isBinary) => {
      answer(ws, data, isBinary, jobId).catch((error: unknown) => sendError(ws, error));
    });
    if (target.kind === 'events') {
      const lastEventId = query.get('lastEventId')?.trim() || null;
      // A socket closed for being slow stops listening at once, not after its close handshake.
      let failed = false;
      let stop: (() => void) | null = null;
      stop = followJournal(journal, lastEventId, (entry) => {
        if (failed || sendEntry(ws, entry)) return;
        failed = true;
        stop?.();
      });
      if (failed) stop();
      else ws.on('close', stop);
    } else {
      followJob(ws, jobId).catch((error: unknown) => {
        report(error);
        ws.close(1011, 'internal error');
      });
    }
  }

  async function followJob(ws: WebSocket, jobId: string | null): Promise<void> {
    if (jobId === null) {
      ws.close(closeCodes.badJobId, closeReason('The job id in the path is not valid URL text.'));
      return;
    }
    let ready = false;
    const waiting: JournalEntry[] = [];
    const forward = (entry: JournalEntry) => {
      if (!sendEntry(ws, entry)) return stop();
      const ended = endOf(entry.event);
      if (ended) {
        stop();
        // A cancel sent on this socket emits the final job.updated before its own reply is
        // sent; the reply goes out first (a microtask), then the socket closes.
        setImmediate(() => ws.close(closeCodes.normal, ended));
      }
    };
    const stop = followJournal(journal, null, (entry) => {
      if (!concernsJob(entry.event, jobId)) return;
      if (ready) forward(entry);
      else waiting.push(entry);
    });
    ws.on('close', stop);
    let details: JobDetails;
    try {
      // Listening started first; getJob reads the store without yielding, so whatever waits
      // happened after the summary it returns.
      details = await service.getJob(jobId);
    } catch (error) {
      stop();
      const data = publicError(error, report);
      const code = data.code === 'E_JOB_NOT_FOUND' ? closeCodes.jobNotFound : data.code === 'E_BAD_REQUEST' ? closeCodes.badJobId : 1011;
      ws.close(code, closeReason(data.details?.[0] ?? data.message));
      return;
    }
    send(ws, { type: 'job.updated', job: summaryOf(details) });
    if (isTerminalJobState(details.state)) {
      stop();
      ws.close(closeCodes.normal, `job ${details.state}`);
      return;
    }
    ready = true;
    waiting.forEach(forward);
  }

  async function answer(ws: WebSocket, data: RawData, isBinary: boolean, jobId: string | null): Promise<void> {
    const message = parseMessage(data, isBinary);
    if (message.type === 'ping') {
      send(ws, { type: 'pong' });
      return;
    }
    if (message.type === 'cancel') {
      if (jobId === null) throw badMessage('"cancel" is only understood on a job\'s progress socket, /api/v1/jobs/{id}/progress.');
      send(ws, { type: 'cancelled', job: await service.cancelJob(jobId) });
      return;
    }
    throw badMessage(`"${String(message.type).slice(0, 40)}" is not a message this socket understands; send {"type":"ping"}${jobId === null ? '' : ' or {"type":"cancel"}'}.`);
  }

  return {
    handleUpgrade(req, socket, head) {
      // A client that resets during the handshake must not become an unhandled 'error'.
      socket.on('error', () => socket.destroy());
      const url = req.url ?? '/';
      const queryStart = url.indexOf('?');
      const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
      const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
      if (!isLoopbackHost(req.headers.host)) {
        refuse(socket, new RedubError('E_FORBIDDEN_HOST', { details: [`Host: ${String(req.headers.host ?? '(none)').slice(0, 100)}`] }));
        return;
      }
      // Browsers cannot set headers on a WebSocket, so ?token= is accepted here as on EventSource.
      if (!tokensMatch(presentedToken(req.headers, query, true), token)) {
        refuse(socket, new RedubError('E_UNAUTHORIZED'));
        return;
      }
      const target = socketTarget(rawPath);
      if (!target) {
        refuse(socket, new RedubError('E_ROUTE_NOT_FOUND', { details: [`WebSocket ${rawPath.slice(0, 200)}`] }));
        return;
      }
      if (closing) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws, target, req, query));
    },
    async close() {
      closing = true;
      clearInterval(heartbeat);
      const open = [...sockets];
      const closed = Promise.all(open.map((ws) => (ws.readyState === WebSocket.CLOSED ? null : new Promise((resolve) => ws.once('close', resolve)))));
      for (const ws of open) ws.close(closeCodes.goingAway, 'server shutting down');
      // A client that does not answer the closing handshake is not waited for long.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, closeGraceMs).unref())]);
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
}

export type SocketLike = Pick<WebSocket, 'readyState' | 'bufferedAmount' | 'send' | 'close'>;

/** Sends one message, or, when the client has not read the last several MiB, closes it with 1013
 * instead: its backlog would otherwise grow without bound, and it can resume from its last id. */
export function sendOrShed(ws: SocketLike, message: unknown, limit = maxBufferedBytes): boolean {
  if (ws.readyState !== WebSocket.OPEN) return false;
  if (ws.bufferedAmount > limit) {
    ws.close(closeCodes.tryAgainLater, 'too slow; reconnect with lastEventId');
    return false;
  }
  ws.send(JSON.stringify(message));
  return true;
}

/** Which socket a path names: the raw segment is decoded later, so a bad one gets a close code. */
export function socketTarget(rawPath: string): Target | null {
  if (rawPath === eventsSocketPath) return { kind: 'events' };
  const match = /^\/api\/v1\/jobs\/([^/]+)\/progress$/.exec(rawPath);
  return match ? { kind: 'job', segment: match[1]! } : null;
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function concernsJob(event: RedubEvent, jobId: string): boolean {
  switch (event.type) {
    case 'job.updated':
      return event.job.id === jobId;
    case 'job.log':
    case 'job.cues':
      return event.jobId === jobId;
    case 'job.removed':
      return event.id === jobId;
    default:
      return false;
  }
}

/** The close reason once the job can send no more, or null while it can. */
function endOf(event: RedubEvent): string | null {
  if (event.type === 'job.updated' && isTerminalJobState(event.job.state)) return `job ${event.job.state}`;
  if (event.type === 'job.removed') return 'job removed';
  return null;
}

function summaryOf(details: JobDetails): JobSummary {
  const { stages: _stages, cues: _cues, cuesSynthesized: _cuesSynthesized, warnings: _warnings, lipsync: _lipsync, ...summary } = details;
  return summary;
}

function parseMessage(data: RawData, isBinary: boolean): { type: unknown } {
  if (isBinary) throw badMessage('Messages are JSON text, not binary frames.');
  const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badMessage('The message is not valid JSON; send an object such as {"type":"ping"}.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || typeof (parsed as { type?: unknown }).type !== 'string') {
    throw badMessage('A message is a JSON object with a "type", such as {"type":"ping"}.');
  }
  return parsed as { type: unknown };
}

function badMessage(detail: string): RedubError {
  return new RedubError('E_BAD_REQUEST', { details: [detail] });
}

/** As the HTTP API does: an unexpected error is reported here and reaches the client as E_INTERNAL alone. */
function publicError(error: unknown, report: (error: unknown) => void): RedubErrorData {
  const data = toErrorData(error);
  if (data.code === 'E_INTERNAL' || (!(error instanceof RedubError) && statusForError(data) >= 500)) {
    report(error);
    return new RedubError(data.code).toData();
  }
  return data;
}

/** A close reason may be at most 123 bytes. */
function closeReason(text: string): string {
  let reason = text.replace(/[\r\n]+/g, ' ');
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
}

/** An HTTP answer on a socket that asked to upgrade: the API's error shape, then the socket ends. */
function refuse(socket: Duplex, error: RedubError): void {
  const data = error.toData();
  const status = statusForError(data);
  const body = JSON.stringify({ error: data });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n${body}`,
  );
}
