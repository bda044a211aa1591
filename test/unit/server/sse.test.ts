// The event stream's wire format, and a stream that writes each event at once, beats, and lets
// go of its subscription when the client leaves.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import type { RedubEvent } from '../../../src-main/shared/contract.js';
import { formatSseComment, formatSseEvent, openEventStream } from '../../../src-main/server/sse.js';

const removed: RedubEvent = { type: 'job.removed', id: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' };

describe('formatSseEvent', () => {
  it('writes one data line with the event as JSON, ended by a blank line', () => {
    expect(formatSseEvent(removed)).toBe(`data: ${JSON.stringify(removed)}\n\n`);
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
  write(chunk: string) {
    this.written += chunk;
    return true;
  }
  end() {
    this.ended = true;
  }
}

function fakeRequest() {
  const req = new EventEmitter() as EventEmitter & { socket: { setNoDelay: () => void; setTimeout: () => void } };
  req.socket = { setNoDelay: vi.fn(), setTimeout: vi.fn() };
  return req;
}

describe('openEventStream', () => {
  it('sends the stream headers, each event as it happens, heartbeats, and unsubscribes on close', () => {
    vi.useFakeTimers();
    try {
      let listener: ((event: RedubEvent) => void) | null = null;
      const unsubscribe = vi.fn();
      const source = { onEvent: (next: (event: RedubEvent) => void) => ((listener = next), unsubscribe) };
      const req = fakeRequest();
      const res = new FakeResponse();
      openEventStream(req as unknown as IncomingMessage, res as unknown as ServerResponse, source, { heartbeatMs: 1000 });
      expect(res.status).toBe(200);
      expect(res.headers['Content-Type']).toMatch(/^text\/event-stream/);
      expect(res.headers['Cache-Control']).toContain('no-cache');
      expect(res.headers['X-Accel-Buffering']).toBe('no');
      expect(req.socket.setNoDelay).toHaveBeenCalledWith(true);

      listener!(removed);
      expect(res.written).toContain(formatSseEvent(removed));
      vi.advanceTimersByTime(1000);
      expect(res.written.endsWith(formatSseComment('heartbeat'))).toBe(true);

      req.emit('close');
      expect(unsubscribe).toHaveBeenCalledTimes(1);
      expect(res.ended).toBe(true);
      const length = res.written.length;
      vi.advanceTimersByTime(5000);
      expect(res.written.length).toBe(length);
    } finally {
      vi.useRealTimers();
    }
  });
});
