// The event feed over a real store: every state a job passes through is reported, even several
// between two polls; progress, log lines and the queue come from the poll; changes and deletions
// made by another connection (another process) are found too.
import { describe, expect, it } from 'vitest';
import type { QueueStatus, RedubEvent } from '../../../src-main/shared/contract.js';
import { RedubError } from '../../../src-main/shared/errors.js';
import { jobStates, type JobState } from '../../../src-main/shared/jobs.js';
import type { Store } from '../../../src-main/core/store/store.js';
import { emptyLayer } from '../../../src-main/core/cues/cue-layer.js';
import { JobEventFeed } from '../../../src-main/core/service/job-event-feed.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { createStore, newJob } from '../queue/store-fixture.js';

function queueOf(store: Store): QueueStatus {
  const counts = Object.fromEntries(jobStates.map((state) => [state, store.jobs.count({ states: [state] })])) as Record<JobState, number>;
  return { paused: store.jobs.isPaused(), counts, depth: counts.queued + counts.retry_wait };
}

const pollMs = 20;
const settle = () => new Promise((resolve) => setTimeout(resolve, pollMs * 4));

function follow(store: Store) {
  const feed = new JobEventFeed(store, () => queueOf(store), pollMs);
  const events: RedubEvent[] = [];
  const unsubscribe = feed.subscribe((event) => events.push(event));
  const states = (id: string) => events.flatMap((event) => (event.type === 'job.updated' && event.job.id === id ? [event.job.state] : []));
  return { feed, events, unsubscribe, states };
}

describe('JobEventFeed', () => {
  const temporary = useTemporaryDirectory();

  it('reports each state of a job that changes faster than the poll, in order', async () => {
    const fixture = createStore(temporary(), { clock: Date.now });
    const { store } = fixture;
    const { feed, states } = follow(store);
    const { job } = store.jobs.enqueue(newJob());
    const claimed = store.jobs.claimNext('owner', 30_000)!;
    store.jobs.complete(job.id, claimed.allocationId!, { video: '/out.mp4' });
    expect(states(job.id)).toEqual(['queued', 'running', 'done']);
    await settle();
    expect(states(job.id)).toEqual(['queued', 'running', 'done']);
    feed.close();
    fixture.close();
  });

  it('reports progress, new log lines and the queue from its poll', async () => {
    const fixture = createStore(temporary(), { clock: Date.now });
    const { store } = fixture;
    const { job } = store.jobs.enqueue(newJob());
    const { feed, events } = follow(store);
    const claimed = store.jobs.claimNext('owner', 30_000)!;
    await settle();
    store.jobs.updateProgress(job.id, claimed.allocationId!, 42, 1000);
    store.logs.append(job.id, 'info', 'probe', 'Probing.');
    await settle();
    expect(events.some((event) => event.type === 'job.updated' && event.job.progress === 42)).toBe(true);
    const logs = events.filter((event) => event.type === 'job.log');
    expect(logs.map((event) => event.type === 'job.log' && event.entry.message)).toEqual(['Probing.']);
    const queues = events.filter((event) => event.type === 'queue.updated');
    expect(queues.at(-1)).toMatchObject({ queue: { counts: { running: 1, queued: 0 }, depth: 0 } });
    feed.close();
    fixture.close();
  });

  it('stays quiet about a lease renewal, which changes nothing a listener shows', async () => {
    const fixture = createStore(temporary(), { clock: Date.now });
    const { store } = fixture;
    store.jobs.enqueue(newJob());
    const claimed = store.jobs.claimNext('owner', 30_000)!;
    const { feed, events } = follow(store);
    await settle();
    store.jobs.renewLease(claimed.id, claimed.allocationId!, 30_000);
    await settle();
    expect(events.filter((event) => event.type === 'job.updated')).toEqual([]);
    feed.close();
    fixture.close();
  });

  it('finds changes and deletions made through another connection', async () => {
    const fixture = createStore(temporary(), { clock: Date.now });
    const { store } = fixture;
    const existing = store.jobs.enqueue(newJob()).job;
    const { feed, events, states } = follow(store);
    const other = fixture.open({ clock: Date.now });
    const added = other.jobs.enqueue(newJob()).job;
    other.jobs.cancel(existing.id);
    await settle();
    expect(states(added.id)).toEqual(['queued']);
    expect(states(existing.id)).toEqual(['cancelled']);
    other.jobs.delete(existing.id);
    await new Promise((resolve) => setTimeout(resolve, pollMs * 12));
    expect(events).toContainEqual({ type: 'job.removed', id: existing.id });
    feed.close();
    fixture.close();
  });

  it('reports a deletion in this process at once, and a queue paused by a command', () => {
    const fixture = createStore(temporary(), { clock: Date.now });
    const { store } = fixture;
    const { job } = store.jobs.enqueue(newJob());
    const { feed, events } = follow(store);
    store.jobs.cancel(job.id);
    store.jobs.delete(job.id);
    expect(events.at(-1)).toEqual({ type: 'job.removed', id: job.id });
    store.jobs.setPaused(true);
    feed.queueChanged();
    expect(events.at(-1)).toMatchObject({ type: 'queue.updated', queue: { paused: true } });
    feed.close();
    fixture.close();
  });

  it('does not replay what existed before the first listener, and stops with the last one', async () => {
    const fixture = createStore(temporary(), { clock: Date.now });
    const { store } = fixture;
    const { job } = store.jobs.enqueue(newJob());
    store.logs.append(job.id, 'info', null, 'Old line.');
    const { events, unsubscribe } = follow(store);
    await settle();
    expect(events).toEqual([]);
    unsubscribe();
    store.jobs.cancel(job.id);
    await settle();
    expect(events).toEqual([]);
    fixture.close();
  });

  it('announces a cue revision made by another process once, and one made here once too', async () => {
    const fixture = createStore(temporary(), { clock: Date.now });
    const { store } = fixture;
    const { job } = store.jobs.enqueue(newJob());
    const { feed, events } = follow(store);
    const other = fixture.open({ clock: Date.now });
    expect(other.cueLayers.commit(job.id, 0, emptyLayer)).toBe(1);
    await settle();
    const announced = () => events.filter((event) => event.type === 'job.cues');
    expect(announced()).toEqual([{ type: 'job.cues', jobId: job.id, revision: 1 }]);
    // This process's own revision: told at once by the service, and the poll re-reading it says nothing more.
    expect(store.cueLayers.commit(job.id, 1, emptyLayer)).toBe(2);
    feed.cuesRevised(job.id, 2);
    await settle();
    expect(announced()).toEqual([{ type: 'job.cues', jobId: job.id, revision: 1 }, { type: 'job.cues', jobId: job.id, revision: 2 }]);
    feed.close();
    fixture.close();
  });

  it('keeps telling the other listeners when one throws', () => {
    const fixture = createStore(temporary(), { clock: Date.now });
    const { store } = fixture;
    const feed = new JobEventFeed(store, () => queueOf(store), pollMs);
    const received: RedubEvent[] = [];
    feed.subscribe(() => {
      throw new RedubError('E_INTERNAL');
    });
    feed.subscribe((event) => received.push(event));
    store.jobs.enqueue(newJob());
    expect(received).toHaveLength(1);
    feed.close();
    fixture.close();
  });
});
