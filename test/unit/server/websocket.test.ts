// The WebSocket's parts that a real socket cannot easily be made to show: a client so slow that
// megabytes wait in our buffer, and which paths name a socket.
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { sendOrShed, socketTarget, type SocketLike } from '../../../src-main/server/websocket.js';

function fakeSocket(bufferedAmount: number, readyState: SocketLike['readyState'] = WebSocket.OPEN) {
  return { readyState, bufferedAmount, send: vi.fn(), close: vi.fn() } satisfies SocketLike;
}

describe('sendOrShed', () => {
  it('sends while the client keeps up', () => {
    const ws = fakeSocket(1000);
    expect(sendOrShed(ws, { type: 'pong' }, 4096)).toBe(true);
    expect(ws.send).toHaveBeenCalledWith('{"type":"pong"}');
    expect(ws.close).not.toHaveBeenCalled();
  });

  it('closes with 1013 instead of buffering for a client more than the limit behind', () => {
    const ws = fakeSocket(4 * 1024 * 1024 + 1);
    expect(sendOrShed(ws, { type: 'pong' })).toBe(false);
    expect(ws.send).not.toHaveBeenCalled();
    expect(ws.close).toHaveBeenCalledWith(1013, 'too slow; reconnect with lastEventId');
  });

  it('sends nothing on a socket that is closing', () => {
    const ws = fakeSocket(0, WebSocket.CLOSING);
    expect(sendOrShed(ws, { type: 'pong' })).toBe(false);
    expect(ws.send).not.toHaveBeenCalled();
  });
});

describe('socketTarget', () => {
  it('names the events socket and a job\'s progress socket, and nothing else', () => {
    expect(socketTarget('/api/v1/ws')).toEqual({ kind: 'events' });
    expect(socketTarget('/api/v1/jobs/abc%20d/progress')).toEqual({ kind: 'job', segment: 'abc%20d' });
    for (const path of ['/api/v1/ws/', '/api/v1/events', '/api/v1/jobs//progress', '/api/v1/jobs/a/b/progress', '/ws']) expect(socketTarget(path), path).toBeNull();
  });
});
