// Owns the server's memory of recent events: each RedubEvent gets an id `<boot>:<seq>` (boot made
// at server start, seq counting from 1), and the last few thousand are kept so a client that
// lost its connection can ask for what it missed instead of reloading everything. When the
// journal cannot cover the gap (the server restarted, the client is too far behind, the id is not
// one of ours) it says so, and the client is told to resync: fetch the lists again.
import { randomInt } from 'node:crypto';
import type { RedubEvent } from '../shared/contract.js';

/** Enough for a few minutes of a busy queue's progress events, and small enough to keep. */
export const journalCapacity = 2000;

export interface JournalEntry {
  /** `<boot>:<seq>`, what SSE sends as `id:` and the WebSocket as `"id"`. */
  id: string;
  seq: number;
  event: RedubEvent;
}

export type JournalReplay = { ok: true; entries: JournalEntry[] } | { ok: false; reason: string };

export interface EventSourceLike {
  onEvent(listener: (event: RedubEvent) => void): () => void;
}

export interface EventJournal {
  readonly boot: string;
  /** The seq of the newest event, 0 before the first. */
  readonly lastSeq: number;
  /** Hears each event once it has its id, in seq order. */
  subscribe(listener: (entry: JournalEntry) => void): () => void;
  /** The events after `lastId`, or why they cannot be given. */
  since(lastId: string): JournalReplay;
  /** A resync event at the journal's current position: a client that resumes from its id misses nothing that follows. */
  resync(reason: string): JournalEntry;
  close(): void;
}

const idPattern = /^([0-9a-z]{1,16}):(\d{1,15})$/;

export function createEventJournal(source: EventSourceLike, options: { capacity?: number; boot?: string } = {}): EventJournal {
  const capacity = options.capacity ?? journalCapacity;
  // Random rather than a clock: two servers started in the same millisecond must not share ids.
  const boot = options.boot ?? randomInt(36 ** 6, 36 ** 7).toString(36);
  const kept: JournalEntry[] = [];
  const listeners = new Set<(entry: JournalEntry) => void>();
  let lastSeq = 0;

  const unsubscribe = source.onEvent((event) => {
    lastSeq += 1;
    const entry: JournalEntry = { id: `${boot}:${lastSeq}`, seq: lastSeq, event };
    kept.push(entry);
    if (kept.length > capacity) kept.shift();
    for (const listener of [...listeners]) listener(entry);
  });

  return {
    boot,
    get lastSeq() {
      return lastSeq;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    since(lastId) {
      const match = idPattern.exec(lastId);
      if (!match) return { ok: false, reason: `"${lastId.slice(0, 60)}" is not an event id of this server; reload the lists.` };
      if (match[1] !== boot) return { ok: false, reason: 'The server restarted since that event; reload the lists.' };
      const seq = Number(match[2]);
      if (seq > lastSeq) return { ok: false, reason: 'That event id is newer than any this server sent; reload the lists.' };
      // Everything after seq is here when seq + 1 is the oldest kept event or newer.
      const oldest = kept[0]?.seq ?? lastSeq + 1;
      if (seq + 1 < oldest) return { ok: false, reason: `More than ${capacity} events happened since that one; reload the lists.` };
      return { ok: true, entries: kept.slice(Math.max(0, seq + 1 - oldest)) };
    },
    resync(reason) {
      return { id: `${boot}:${lastSeq}`, seq: lastSeq, event: { type: 'resync', reason } };
    },
    close() {
      listeners.clear();
      unsubscribe();
    },
  };
}

/**
 * Delivers what `lastEventId` missed, then every new event, with no gap and no repeat: it listens
 * before it reads the journal, and drops anything at or below the seq it already delivered. With
 * no `lastEventId` it delivers new events only. Returns the function that stops it.
 */
export function followJournal(journal: EventJournal, lastEventId: string | null, deliver: (entry: JournalEntry) => void): () => void {
  let delivered = -1;
  let live = false;
  const waiting: JournalEntry[] = [];
  const send = (entry: JournalEntry) => {
    if (entry.seq <= delivered) return;
    delivered = entry.seq;
    deliver(entry);
  };
  const unsubscribe = journal.subscribe((entry) => (live ? send(entry) : waiting.push(entry)));
  if (lastEventId) {
    const replay = journal.since(lastEventId);
    if (replay.ok) replay.entries.forEach(send);
    else send(journal.resync(replay.reason));
  }
  live = true;
  waiting.forEach(send);
  return unsubscribe;
}
