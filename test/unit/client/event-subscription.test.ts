import { describe, expect, it } from 'vitest';
import { createRedubClient, type ClientEvent, type ConnectionState, type RedubApiError } from '../../../src-main/shared/client/index.js';
import { json, refused, scriptedFetch, sseReply, tick, until, type Answer } from './fake-fetch.js';

const removed = (id: string, eventId?: string) => `${eventId ? `id: ${eventId}\n` : ''}data: ${JSON.stringify({ type: 'job.removed', id })}\n\n`;

function follow(answers: Answer[], options: { heartbeatTimeoutMs?: number; lastEventId?: string } = {}) {
  const { fetch, sent } = scriptedFetch(answers);
  const client = createRedubClient({ baseUrl: 'http://127.0.0.1:9', token: 'secret', fetch, heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 60_000, backoff: { baseMs: 5, maxMs: 5, random: () => 0.5 } });
  const events: ClientEvent[] = [];
  const states: ConnectionState[] = [];
  const errors: RedubApiError[] = [];
  const subscription = client.subscribe((event) => events.push(event), {
    onConnection: (state) => states.push(state),
    onError: (error) => errors.push(error),
    ...(options.lastEventId ? { lastEventId: options.lastEventId } : {}),
  });
  return { fetch, sent, events, states, errors, subscription };
}

describe('subscribe', () => {
  it('asks for the event stream with the token and reads events split across chunks', async () => {
    const reply = sseReply();
    const { sent, events, states, subscription } = follow([(request) => reply.follow(request)]);
    await until(() => states.length === 1);
    const text = `retry: 2000\n: connected\n\n${removed('a', 'b1:1')}${removed('b', 'b1:2')}`;
    for (const piece of [text.slice(0, 31), text.slice(31, 70), text.slice(70)]) {
      reply.push(piece);
      await tick(2);
    }
    await until(() => events.length === 2);
    expect(sent[0]!.url).toBe('http://127.0.0.1:9/api/v1/events');
    expect(sent[0]!.headers).toMatchObject({ Authorization: 'Bearer secret', Accept: 'text/event-stream' });
    expect(sent[0]!.headers).not.toHaveProperty('Last-Event-ID');
    expect(events).toEqual([{ type: 'job.removed', id: 'a' }, { type: 'job.removed', id: 'b' }]);
    expect(states).toEqual(['open']);
    expect(subscription.lastEventId).toBe('b1:2');
    subscription.unsubscribe();
  });

  it('reconnects when the stream ends, sending Last-Event-ID, and passes resync on like any event', async () => {
    const first = sseReply();
    const second = sseReply();
    const { sent, events, states, subscription } = follow([(request) => first.follow(request), (request) => second.follow(request)]);
    await until(() => states.length === 1);
    first.push(removed('a', 'boot1:4'));
    await until(() => events.length === 1);
    first.end(); // the server stopped
    await until(() => sent.length === 2 && states.length === 3);
    expect(sent[1]!.headers['Last-Event-ID']).toBe('boot1:4');
    second.push(`id: boot2:0\ndata: ${JSON.stringify({ type: 'resync', reason: 'The server restarted since that event; reload the lists.' })}\n\n`);
    await until(() => events.length === 2);
    expect(events[1]).toEqual({ type: 'resync', reason: 'The server restarted since that event; reload the lists.' });
    expect(states).toEqual(['open', 'lost', 'open']);
    expect(subscription.lastEventId).toBe('boot2:0');
    subscription.unsubscribe();
  });

  it('resumes from the id a caller hands it', async () => {
    const reply = sseReply();
    const { sent, subscription } = follow([(request) => reply.follow(request)], { lastEventId: 'b:41' });
    await until(() => sent.length === 1);
    expect(sent[0]!.headers['Last-Event-ID']).toBe('b:41');
    subscription.unsubscribe();
  });

  it('takes a stream silent for longer than the heartbeat limit for dead, and reconnects', async () => {
    const quiet = sseReply();
    const next = sseReply();
    const { sent, states, subscription } = follow([(request) => quiet.follow(request), (request) => next.follow(request)], { heartbeatTimeoutMs: 60 });
    await until(() => states.length === 1);
    quiet.push(removed('a', 'x:1'));
    // Comments keep it alive: three heartbeats 40 ms apart stay under the 60 ms limit.
    for (let beat = 0; beat < 3; beat += 1) {
      await tick(40);
      quiet.push(': heartbeat\n\n');
    }
    expect(sent).toHaveLength(1);
    await until(() => sent.length === 2, 1000); // then silence
    expect(sent[1]!.headers['Last-Event-ID']).toBe('x:1');
    await until(() => states.length === 3);
    expect(states).toEqual(['open', 'lost', 'open']);
    subscription.unsubscribe();
  });

  it('keeps trying, with backoff, while the server is down and says "lost" once', async () => {
    const reply = sseReply();
    const { sent, states, subscription } = follow([refused(), refused(), json({}, 503), (request) => reply.follow(request)]);
    await until(() => states.at(-1) === 'open');
    expect(sent).toHaveLength(4);
    expect(states).toEqual(['lost', 'open']);
    subscription.unsubscribe();
  });

  it('stops for good on a 4xx such as a wrong token, and says why', async () => {
    const { sent, states, errors } = follow([json({ error: { code: 'E_UNAUTHORIZED', message: 'No token.', action: 'Send it.' } }, 401)]);
    await until(() => errors.length === 1);
    await tick(30);
    expect(sent).toHaveLength(1);
    expect(errors[0]!.code).toBe('E_UNAUTHORIZED');
    expect(errors[0]!.status).toBe(401);
    expect(states).toEqual(['lost']);
  });

  it('unsubscribes cleanly: the request is aborted and nothing is heard after', async () => {
    const reply = sseReply();
    const { sent, events, states, subscription } = follow([(request) => reply.follow(request)]);
    await until(() => states.length === 1);
    subscription.unsubscribe();
    expect(sent[0]!.init.signal!.aborted).toBe(true);
    reply.push(removed('late'));
    await tick(30);
    expect(events).toEqual([]);
    expect(states).toEqual(['open']);
    expect(sent).toHaveLength(1);
  });

  it('keeps the stream for other events when a listener throws', async () => {
    const reply = sseReply();
    const { fetch } = scriptedFetch([(request) => reply.follow(request)]);
    const client = createRedubClient({ baseUrl: '', token: null, fetch });
    const heard: string[] = [];
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    const subscription = client.subscribe((event) => {
      if (event.type !== 'job.removed') return;
      heard.push(event.id);
      if (event.id === 'a') throw new Error('listener bug');
    });
    try {
      await until(() => fetch.mock.calls.length === 1);
      reply.push(removed('a') + removed('b'));
      await until(() => heard.length === 2);
      await tick(5);
      expect(heard).toEqual(['a', 'b']);
      expect(uncaught).toHaveLength(1);
    } finally {
      subscription.unsubscribe();
      process.off('uncaughtException', onUncaught);
    }
  });
});
