// The event stream resumed after a dropped connection, as EventSource does it: every event has an
// id, a reconnect that sends Last-Event-ID (or ?lastEventId=) gets exactly the events it missed
// before live ones, and one the server cannot serve (restarted, too far behind) is told to resync.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedubEvent } from '../../../src-main/shared/contract.js';
import { journalCapacity } from '../../../src-main/server/event-journal.js';
import { openEvents, send, startHarness, type Harness } from './server-harness.js';

interface Message {
  id: string | null;
  event: RedubEvent;
}

interface IdStream {
  messages: Message[];
  waitFor(predicate: (messages: Message[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** The harness's SSE reader, its events paired with their ids. */
async function openIdStream(port: number, pathAndQuery: string, headers: Record<string, string>): Promise<IdStream> {
  const stream = await openEvents(port, pathAndQuery, headers);
  expect(stream.status).toBe(200);
  const messages = () => stream.events.map((event, index) => ({ id: stream.ids[index] ?? null, event }));
  return {
    get messages() {
      return messages();
    },
    waitFor: (predicate, timeoutMs = 10_000) => stream.waitFor(() => predicate(messages()), timeoutMs),
    close: stream.close,
  };
}

const seqOf = (id: string | null) => Number(id!.split(':')[1]);

describe('resuming the event stream', { timeout: 120_000 }, () => {
  let root: string;
  let harness: Harness;
  const eventsPath = () => `/api/v1/events?token=${harness.token}`;
  let paused = false;
  /** One queue.updated event each. */
  const causeEvents = async (count: number) => {
    for (let index = 0; index < count; index += 1) {
      paused = !paused;
      const reply = await send(harness.port, { method: 'PUT', path: '/api/v1/queue', headers: { ...harness.auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ paused }) });
      expect(reply.status).toBe(200);
    }
  };

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'redub-sse-resume-'));
    harness = await startHarness(root);
  });

  afterAll(async () => {
    await harness?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('misses nothing and repeats nothing across a reconnect with Last-Event-ID, or with ?lastEventId=', async () => {
    const control = await openIdStream(harness.port, eventsPath(), {});
    const first = await openIdStream(harness.port, eventsPath(), {});
    await causeEvents(3);
    await first.waitFor((messages) => messages.length === 3);
    first.close();
    const lastSeen = first.messages.at(-1)!.id!;

    await causeEvents(4); // while disconnected
    const resumed = await openIdStream(harness.port, eventsPath(), { 'Last-Event-ID': lastSeen });
    await causeEvents(2);
    await control.waitFor((messages) => messages.length === 9);
    await resumed.waitFor((messages) => messages.length === 6);

    const ids = (messages: Message[]) => messages.map((message) => message.id);
    expect(ids(control.messages).every((id) => /^[0-9a-z]+:\d+$/.test(id ?? ''))).toBe(true);
    expect([...ids(first.messages), ...ids(resumed.messages)]).toEqual(ids(control.messages));
    expect(resumed.messages.map((message) => message.event)).toEqual(control.messages.slice(3).map((message) => message.event));

    // The query form, for a client that cannot set headers; the header wins when both are there.
    const byQuery = await openIdStream(harness.port, `${eventsPath()}&lastEventId=${control.messages[6]!.id}`, {});
    const both = await openIdStream(harness.port, `${eventsPath()}&lastEventId=${control.messages[0]!.id}`, { 'Last-Event-ID': control.messages[7]!.id! });
    await byQuery.waitFor((messages) => messages.length === 2);
    await both.waitFor((messages) => messages.length === 1);
    expect(ids(byQuery.messages)).toEqual(ids(control.messages.slice(7)));
    expect(ids(both.messages)).toEqual(ids(control.messages.slice(8)));
    for (const stream of [control, resumed, byQuery, both]) stream.close();
  });

  it('sends a resync first, with an id to resume from, for an id of another boot or a malformed one', async () => {
    for (const lastId of ['zzzzzzz:3', 'garbage']) {
      const stream = await openIdStream(harness.port, eventsPath(), { 'Last-Event-ID': lastId });
      await stream.waitFor((messages) => messages.length === 1);
      expect(stream.messages[0]!.event).toEqual({ type: 'resync', reason: expect.any(String) });
      await causeEvents(1);
      await stream.waitFor((messages) => messages.length === 2);
      expect(stream.messages[1]!.event.type).toBe('queue.updated');
      // The resync's id is where the client stands now: resuming from it gives what followed.
      expect(seqOf(stream.messages[1]!.id)).toBe(seqOf(stream.messages[0]!.id) + 1);
      stream.close();
    }
  });

  it('sends a resync to a client further behind than the journal keeps', async () => {
    const early = await openIdStream(harness.port, eventsPath(), {});
    await causeEvents(1);
    await early.waitFor((messages) => messages.length === 1);
    early.close();
    await causeEvents(journalCapacity + 1);
    const behind = await openIdStream(harness.port, eventsPath(), { 'Last-Event-ID': early.messages[0]!.id! });
    await behind.waitFor((messages) => messages.length === 1);
    expect(behind.messages[0]!.event).toEqual({ type: 'resync', reason: expect.stringMatching(/More than 2000 events/) });
    behind.close();
  });
});
