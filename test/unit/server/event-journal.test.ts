// The event journal: ids that count up within one boot, a bounded memory of recent events, and a
// replay that says "resync" whenever it cannot cover the gap rather than silently skipping some.
import { describe, expect, it } from 'vitest';
import type { RedubEvent } from '../../../src-main/shared/contract.js';
import { createEventJournal, followJournal, type JournalEntry } from '../../../src-main/server/event-journal.js';

function journalOver(options: { capacity?: number; boot?: string } = {}) {
  const listeners = new Set<(event: RedubEvent) => void>();
  const source = { onEvent: (listener: (event: RedubEvent) => void) => (listeners.add(listener), () => listeners.delete(listener)) };
  const journal = createEventJournal(source, options);
  const emit = (id: string) => listeners.forEach((listener) => listener({ type: 'job.removed', id }));
  return { journal, emit, listeners };
}

const removedIds = (entries: JournalEntry[]) => entries.map((entry) => (entry.event.type === 'job.removed' ? entry.event.id : entry.event.type));

describe('createEventJournal', () => {
  it('numbers events <boot>:<seq> from 1, with a short random base36 boot', () => {
    const a = journalOver();
    const b = journalOver();
    expect(a.journal.boot).toMatch(/^[0-9a-z]{7}$/);
    expect(a.journal.boot).not.toBe(b.journal.boot);
    const seen: JournalEntry[] = [];
    a.journal.subscribe((entry) => seen.push(entry));
    a.emit('x');
    a.emit('y');
    expect(seen.map((entry) => entry.id)).toEqual([`${a.journal.boot}:1`, `${a.journal.boot}:2`]);
    expect(a.journal.lastSeq).toBe(2);
  });

  it('gives the events after an id it still holds, none after the newest', () => {
    const { journal, emit } = journalOver({ boot: 'abc' });
    for (const id of ['1', '2', '3', '4']) emit(id);
    const replay = journal.since('abc:2');
    expect(replay.ok && removedIds(replay.entries)).toEqual(['3', '4']);
    const none = journal.since('abc:4');
    expect(none.ok && none.entries).toEqual([]);
    const all = journal.since('abc:0');
    expect(all.ok && removedIds(all.entries)).toEqual(['1', '2', '3', '4']);
  });

  it('keeps only the newest events, and asks for a resync from an id older than those', () => {
    const { journal, emit } = journalOver({ boot: 'abc', capacity: 3 });
    for (const id of ['1', '2', '3', '4', '5']) emit(id);
    // 2 is gone, but everything after it (3, 4, 5) is still here.
    const covered = journal.since('abc:2');
    expect(covered.ok && removedIds(covered.entries)).toEqual(['3', '4', '5']);
    const tooOld = journal.since('abc:1');
    expect(tooOld).toEqual({ ok: false, reason: expect.stringMatching(/More than 3 events/) });
  });

  it('asks for a resync after a restart, for an id from the future, and for a malformed id', () => {
    const { journal, emit } = journalOver({ boot: 'abc' });
    emit('1');
    expect(journal.since('zzz:1')).toEqual({ ok: false, reason: expect.stringMatching(/restarted/) });
    expect(journal.since('abc:9')).toMatchObject({ ok: false });
    for (const bad of ['', 'abc', 'abc:', 'abc:-1', 'abc:1.5', 'ABC:1', 'abc:1:2', `abc:${'9'.repeat(40)}`]) expect(journal.since(bad), bad).toMatchObject({ ok: false });
  });

  it('makes a resync event at the current position', () => {
    const { journal, emit } = journalOver({ boot: 'abc' });
    expect(journal.resync('why').id).toBe('abc:0');
    emit('1');
    expect(journal.resync('why')).toEqual({ id: 'abc:1', seq: 1, event: { type: 'resync', reason: 'why' } });
  });

  it('stops listening to its source on close', () => {
    const { journal, listeners } = journalOver();
    expect(listeners.size).toBe(1);
    journal.close();
    expect(listeners.size).toBe(0);
  });
});

describe('followJournal', () => {
  it('replays, then goes live, with no gap and no repeat, even when an event arrives during the replay', () => {
    const { journal, emit } = journalOver({ boot: 'abc' });
    for (const id of ['1', '2', '3']) emit(id);
    const delivered: JournalEntry[] = [];
    const stop = followJournal(journal, 'abc:1', (entry) => {
      delivered.push(entry);
      // A listener that causes an event while it is being replayed to (as a service call would).
      if (entry.seq === 2) emit('4');
    });
    emit('5');
    expect(delivered.map((entry) => entry.seq)).toEqual([2, 3, 4, 5]);
    stop();
    emit('6');
    expect(delivered).toHaveLength(4);
  });

  it('without an id, delivers new events only; with an unusable one, a resync first', () => {
    const { journal, emit } = journalOver({ boot: 'abc' });
    emit('1');
    const fresh: JournalEntry[] = [];
    followJournal(journal, null, (entry) => fresh.push(entry));
    const lost: JournalEntry[] = [];
    followJournal(journal, 'old:5', (entry) => lost.push(entry));
    emit('2');
    expect(fresh.map((entry) => entry.id)).toEqual(['abc:2']);
    expect(removedIds(lost)).toEqual(['resync', '2']);
    expect(lost[0]!.id).toBe('abc:1');
  });
});
