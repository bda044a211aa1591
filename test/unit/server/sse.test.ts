// The event stream's wire format, and a stream that writes each event at once with its id, beats,
// lets go of its subscription when the client leaves, resumes after a Last-Event-ID, and drops a
// client that stopped reading.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import type { RedubEvent } from '../../../src-main/shared/contract.js';
import { createEventJournal } from '../../../src-main/server/event-journal.js';
import { formatSseComment, formatSseEvent, openEventStream, resumeId } from '../../../src-main/server/sse.js';

const removed: RedubEvent = { type: 'job.removed', id: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' };

describe('formatSseEvent', () => {
  it('writes one data line with the event as JSON, ended by a blank line', () => {
    expect(formatSseEvent(removed)).toBe(`data: ${JSON.stringify(removed)}\n\n`);
  });

  it('puts the id line before the data line', () => {
    expect(formatSseEvent(removed, 'k3x9a:7')).toBe(`id: k3x9a:7\ndata: ${JSON.stringify(removed)}\n\n`);
  });

  it('keeps a message with newlines on one line (JSON escapes them)', () => {
    const event: RedubEvent = { type: 'job.log', jobId: 'j', entry: { id: 1, at: 'now', level: 'info', stage: null, message: 'two\nlines\r\n' } };
    const text = formatSseEvent(event);
    expect(text.slice(0, -2)).not.toMatch(/[\r\n]/);
    expect(JSON.parse(text.slice('data: '.length))).toEqual(event);
  });
});

describe('formatSseComment', () => {
  it('writes a comment line that EventSource ignores, without letting newlines end it early', () => {
    expect(formatSseComment('heartbeat')).toBe(': heartbeat\n\n');
    expect(formatSseComment('a\nb')).toBe(': a b\n\n');
  });
});

class FakeResponse extends EventEmitter {
  written = '';
  status = 0;
  headers: Record<string, string> = {};
  ended = false;
  writeHead(status: number, headers: Record<string, string>) {
    this.status = status;
    this.headers = headers;
    return this;
  }
  accepts = true;
  write(chunk: string) {
    this.written += chunk;
    return this.accepts;
  }
  end() {
    this.ended = true;
  }
}

function fakeRequest(headers: Record<string, string> = {}) {
  const req = new EventEmitter() as EventEmitter & { headers: Record<string, string>; socket: { setNoDelay: () => void; setTimeout: () => void; destroy: () => void; writableLength: number } };
  req.headers = headers;
  req.socket = { setNoDelay: vi.fn(), setTimeout: vi.fn(), destroy: vi.fn(), writableLength: 0 };
  return req;
}

/** A service stand-in whose events the test emits by hand. */
function fakeSource() {
  const listeners = new Set<(event: RedubEvent) => void>();
  const unsubscribe = vi.fn();
  return {
    onEvent: (listener: (event: RedubEvent) => void) => (listeners.add(listener), () => (listeners.delete(listener), unsubscribe())),
    emit: (event: RedubEvent) => listeners.forEach((listener) => listener(event)),
    unsubscribe,
  };
}

const queued = (paused: boolean): RedubEvent => ({ type: 'queue.updated', queue: { paused, counts: { queued: 0, running: 0, retry_wait: 0, done: 0, failed: 0, cancelled: 0 }, depth: 0 } });

/** The id and event of each message written so far. */
function messages(written: string): { id: string | null; event: RedubEvent }[] {
  return written.split('\n\n').flatMap((block) => {
    const data = block.split('\n').find((line) => line.startsWith('data: '));
    const id = block.split('\n').find((line) => line.startsWith('id: '));
    return data ? [{ id: id ? id.slice(4) : null, event: JSON.parse(data.slice(6)) as RedubEvent }] : [];
  });
}

describe('openEventStream', () => {
  it('sends the stream headers, each event as it happens with its id, heartbeats, and unsubscribes on close', () => {
    vi.useFakeTimers();
    try {
      const source = fakeSource();
      const journal = createEventJournal(source, { boot: 'b00t' });
      const req = fakeRequest();
      const res = new FakeResponse();
      openEventStream(req as unknown as IncomingMessage, res as unknown as ServerResponse, journal, { heartbeatMs: 1000 });
      expect(res.status).toBe(200);
      expect(res.headers['Content-Type']).toMatch(/^text\/event-stream/);
      expect(res.headers['Cache-Control']).toContain('no-cache');
      expect(res.headers['X-Accel-Buffering']).toBe('no');
      expect(req.socket.setNoDelay).toHaveBeenCalledWith(true);

      source.emit(removed);
      expect(res.written).toContain(formatSseEvent(removed, 'b00t:1'));
      vi.advanceTimersByTime(1000);
      expect(res.written.endsWith(formatSseComment('heartbeat'))).toBe(true);

      req.emit('close');
      expect(res.ended).toBe(true);
      const length = res.written.length;
      source.emit(removed);
      vi.advanceTimersByTime(5000);
      expect(res.written.length).toBe(length);
      journal.close();
      expect(source.unsubscribe).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('replays what came after the last id, then live events, each once', () => {
    const source = fakeSource();
    const journal = createEventJournal(source, { boot: 'b00t' });
    for (let index = 0; index < 5; index += 1) source.emit(queued(index % 2 === 0));
    const res = new FakeResponse();
    openEventStream(fakeRequest() as unknown as IncomingMessage, res as unknown as ServerResponse, journal, { lastEventId: 'b00t:3' });
    source.emit(removed);
    expect(messages(res.written).map((message) => message.id)).toEqual(['b00t:4', 'b00t:5', 'b00t:6']);
    expect(messages(res.written).at(-1)!.event).toEqual(removed);
  });

  it('starts with a resync, carrying the current id, when the last id is from another boot', () => {
    const source = fakeSource();
    const journal = createEventJournal(source, { boot: 'b00t' });
    source.emit(removed);
    source.emit(removed);
    const res = new FakeResponse();
    openEventStream(fakeRequest() as unknown as IncomingMessage, res as unknown as ServerResponse, journal, { lastEventId: 'other:9' });
    source.emit(removed);
    const sent = messages(res.written);
    expect(sent.map((message) => message.id)).toEqual(['b00t:2', 'b00t:3']);
    expect(sent[0]!.event).toEqual({ type: 'resync', reason: expect.stringMatching(/restarted/) });
  });

  it('ends the stream and drops the connection when the client has more than the limit unread', () => {
    const source = fakeSource();
    const journal = createEventJournal(source);
    const req = fakeRequest();
    const res = new FakeResponse();
    openEventStream(req as unknown as IncomingMessage, res as unknown as ServerResponse, journal, { maxBufferedBytes: 1000 });
    res.accepts = false;
    req.socket.writableLength = 500;
    source.emit(removed);
    expect(res.ended).toBe(false); // a full socket buffer alone is ordinary backpressure
    req.socket.writableLength = 1001;
    source.emit(removed);
    expect(res.ended).toBe(true);
    expect(req.socket.destroy).toHaveBeenCalled();
    const length = res.written.length;
    source.emit(removed);
    expect(res.written.length).toBe(length);
  });
});

describe('resumeId', () => {
  it('prefers the Last-Event-ID header EventSource sends on a reconnect over the query', () => {
    const query = new URLSearchParams('lastEventId=abc:1');
    expect(resumeId(fakeRequest({ 'last-event-id': 'abc:9' }) as unknown as IncomingMessage, query)).toBe('abc:9');
    expect(resumeId(fakeRequest() as unknown as IncomingMessage, query)).toBe('abc:1');
    expect(resumeId(fakeRequest({ 'last-event-id': ' ' }) as unknown as IncomingMessage, new URLSearchParams())).toBeNull();
  });
});
