import { describe, expect, it } from 'vitest';
import type { RedubEvent } from '../../../src-main/shared/contract.js';
import { createEventStream, parseEventMessage, reconnectDelaysMs, type ConnectionState, type EventSourceLike } from '../../../src-renderer/bridge/event-stream.js';
import { jobSummary } from '../../helpers/job-fixtures.js';

class FakeEventSource implements EventSourceLike {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  closed = false;
  readonly named = new Map<string, (event: MessageEvent) => void>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.named.set(type, listener);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  send(data: unknown) {
    this.onmessage?.({ data: JSON.stringify(data) } as MessageEvent);
  }
  fail(readyState: number) {
    this.readyState = readyState;
    this.onerror?.(new Event('error'));
  }
}

function setup() {
  const sources: FakeEventSource[] = [];
  const timers: { callback: () => void; ms: number }[] = [];
  const stream = createEventStream({
    url: () => '/api/v1/events?token=t',
    create: (url) => {
      const source = new FakeEventSource(url);
      sources.push(source);
      return source;
    },
    setTimer: (callback, ms) => timers.push({ callback, ms }),
    clearTimer: () => undefined,
  });
  return { stream, sources, timers };
}

describe('parseEventMessage', () => {
  it('reads an unnamed message carrying the whole event', () => {
    const job = jobSummary();
    expect(parseEventMessage(JSON.stringify({ type: 'job.updated', job }))).toEqual({ type: 'job.updated', job });
  });

  it('reads a named event whose data is only the body', () => {
    expect(parseEventMessage(JSON.stringify({ id: 'x' }), 'job.removed')).toEqual({ type: 'job.removed', id: 'x' });
  });

  it('ignores what is not JSON or not a known, complete event', () => {
    expect(parseEventMessage('not json')).toBeNull();
    expect(parseEventMessage(JSON.stringify({ type: 'job.updated' }))).toBeNull();
    expect(parseEventMessage(JSON.stringify({ type: 'job.exploded', id: 'x' }))).toBeNull();
  });

  it('reads model.updated, unnamed or named, with or without the pack', () => {
    const task = { packId: 'piper-de', state: 'running', bytesDone: 10, bytesTotal: null, file: 'voice.onnx', error: null };
    const pack = { id: 'piper-de', installed: true };
    expect(parseEventMessage(JSON.stringify({ type: 'model.updated', task, pack: null }))).toEqual({ type: 'model.updated', task, pack: null });
    expect(parseEventMessage(JSON.stringify({ task, pack }), 'model.updated')).toEqual({ type: 'model.updated', task, pack });
    expect(parseEventMessage(JSON.stringify({ task }), 'model.updated')).toEqual({ type: 'model.updated', task, pack: null });
    expect(parseEventMessage(JSON.stringify({ type: 'model.updated', task: { state: 'running' }, pack: null }))).toBeNull();
    expect(parseEventMessage(JSON.stringify({ type: 'model.updated', task, pack: 'x' }))).toBeNull();
  });

  it('reads job.cues, unnamed or named, and refuses one without a whole revision', () => {
    expect(parseEventMessage(JSON.stringify({ type: 'job.cues', jobId: 'a', revision: 3 }))).toEqual({ type: 'job.cues', jobId: 'a', revision: 3 });
    expect(parseEventMessage(JSON.stringify({ jobId: 'a', revision: 4 }), 'job.cues')).toEqual({ type: 'job.cues', jobId: 'a', revision: 4 });
    expect(parseEventMessage(JSON.stringify({ type: 'job.cues', jobId: 'a', revision: '3' }))).toBeNull();
    expect(parseEventMessage(JSON.stringify({ type: 'job.cues', revision: 3 }))).toBeNull();
  });

  it('reads model.removed, with the uninstalled pack or without one', () => {
    const pack = { id: 'piper-de', installed: false };
    expect(parseEventMessage(JSON.stringify({ type: 'model.removed', id: 'piper-de', pack }))).toEqual({ type: 'model.removed', id: 'piper-de', pack });
    expect(parseEventMessage(JSON.stringify({ id: 'piper-de' }), 'model.removed')).toEqual({ type: 'model.removed', id: 'piper-de', pack: null });
    expect(parseEventMessage(JSON.stringify({ type: 'model.removed', pack }))).toBeNull();
  });
});

describe('createEventStream', () => {
  it('opens one connection for all listeners and closes it after the last leaves', () => {
    const { stream, sources } = setup();
    const received: RedubEvent[] = [];
    const first = stream.subscribe((event) => received.push(event));
    const second = stream.subscribe((event) => received.push(event));
    expect(sources).toHaveLength(1);
    expect(sources[0]!.url).toBe('/api/v1/events?token=t');
    sources[0]!.send({ type: 'job.removed', id: 'a' });
    expect(received).toHaveLength(2);
    first();
    expect(sources[0]!.closed).toBe(false);
    second();
    expect(sources[0]!.closed).toBe(true);
  });

  it('lets the browser retry a dropped connection itself', () => {
    const { stream, sources, timers } = setup();
    const states: ConnectionState[] = [];
    stream.onConnection((state) => states.push(state));
    stream.subscribe(() => undefined);
    sources[0]!.open();
    sources[0]!.fail(0); // CONNECTING: EventSource is already reconnecting
    expect(timers).toHaveLength(0);
    expect(sources).toHaveLength(1);
    expect(states).toEqual(['connecting', 'open', 'connecting']);
  });

  it('reopens with a growing delay when the browser gave up, and says so when it is back', () => {
    const { stream, sources, timers } = setup();
    const states: ConnectionState[] = [];
    stream.onConnection((state) => states.push(state));
    stream.subscribe(() => undefined);
    sources[0]!.fail(2);
    expect(timers[0]!.ms).toBe(reconnectDelaysMs[0]);
    timers[0]!.callback();
    expect(sources).toHaveLength(2);
    sources[1]!.fail(2);
    expect(timers[1]!.ms).toBe(reconnectDelaysMs[1]);
    timers[1]!.callback();
    sources[2]!.open();
    expect(states).toEqual(['connecting', 'closed', 'connecting', 'closed', 'connecting', 'open']);
    sources[2]!.fail(2);
    expect(timers[2]!.ms).toBe(reconnectDelaysMs[0]); // a success resets the delay
  });

  it('does not reopen when nobody listens any more', () => {
    const { stream, sources, timers } = setup();
    const stop = stream.subscribe(() => undefined);
    sources[0]!.fail(2);
    stop();
    timers[0]!.callback();
    expect(sources).toHaveLength(1);
  });
});
