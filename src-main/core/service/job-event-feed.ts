// Owns turning the job store into a stream of RedubEvents for the renderer, the SSE stream and
// anything else that listens. Two sources: the store's change hook, which reports every state
// change this process commits the moment it lands (the scheduler's own transitions and the
// commands given through this service), and a poll of the store for what other processes
// changed (a `redub dub` run beside the app), for progress, for new log lines, for cue edits
// (job.cues, so an open timeline hears of a script's edit) and for the queue.
import type { LogEntry, QueueStatus, RedubEvent } from '../../shared/contract.js';
import type { JobState } from '../../shared/jobs.js';
import { toSummary } from '../queue/job-mapper.js';
import type { JobRow } from '../queue/job-queue.js';
import type { Store } from '../store/store.js';

export type EventListener = (event: RedubEvent) => void;

interface SeenJob {
  state: JobState;
  /** What a change must differ in to be worth an event. Not updated_ms alone: a running job's
   * lease renewal touches it every few seconds and tells a listener nothing. */
  fingerprint: string;
}

interface LogCursor {
  afterId: number;
  /** A job that left `running` is still followed for a while: its last lines come after. */
  followUntilMs: number | null;
}

/** How long log lines of a job are still fetched after it stops running. */
const logGraceMs = 10_000;
/** How far back each poll looks again: another process stamps a change when it makes it, which
 * may be a little before it commits, so a cursor right at the last poll could step over it. */
const rereadMs = 2_000;
/** How many polls between checks for jobs other processes deleted. */
const deletionCheckEvery = 8;

export class JobEventFeed {
  private readonly listeners = new Set<EventListener>();
  private readonly seen = new Map<string, SeenJob>();
  private readonly logCursors = new Map<string, LogCursor>();
  /** The newest cue revision announced per job, so the poll re-reading recent rows says nothing twice. */
  private readonly announcedCues = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private unhook: (() => void) | null = null;
  private cursorMs = 0;
  private polls = 0;
  private lastQueue = '';

  constructor(
    private readonly store: Pick<Store, 'jobs' | 'logs' | 'cueLayers'>,
    private readonly queueStatus: () => QueueStatus,
    private readonly pollMs = 250,
  ) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) this.stop();
    };
  }

  /** For commands that change the queue without touching a job (pause, resume). */
  queueChanged(): void {
    if (this.listeners.size > 0) this.emitQueueIfChanged();
  }

  /** A new revision of a job's cues: announced once, whether this process or the poll saw it first. */
  cuesRevised(jobId: string, revision: number): void {
    if ((this.announcedCues.get(jobId) ?? 0) >= revision) return;
    this.announcedCues.set(jobId, revision);
    this.emit({ type: 'job.cues', jobId, revision });
  }

  /** For events that do not come from the job store (model installs): sent to the same listeners. */
  publish(event: RedubEvent): void {
    this.emit(event);
  }

  close(): void {
    this.listeners.clear();
    this.stop();
  }

  private start(): void {
    // Seed what exists now, so listeners hear of changes rather than a replay of the whole store.
    const now = Date.now();
    for (const job of this.store.jobs.changedSince(0)) {
      this.remember(job);
      if (job.state === 'running') this.logCursors.set(job.id, { afterId: this.lastLogId(job.id), followUntilMs: null });
    }
    this.cursorMs = now - rereadMs;
    for (const { jobId, revision } of this.store.cueLayers.revisedSince(this.cursorMs)) this.announcedCues.set(jobId, revision);
    this.lastQueue = JSON.stringify(this.queueStatus());
    this.unhook = this.store.jobs.onDidChangeJob((id) => this.observe(id));
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.timer.unref();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unhook?.();
    this.unhook = null;
    this.seen.clear();
    this.logCursors.clear();
    this.announcedCues.clear();
  }

  private observe(id: string): void {
    const job = this.store.jobs.get(id);
    if (job) this.consider(job);
    else this.forget(id);
  }

  private poll(): void {
    try {
      // The fingerprint drops the rows re-read that were already reported.
      const startedMs = Date.now();
      for (const job of this.store.jobs.changedSince(this.cursorMs)) this.consider(job);
      for (const { jobId, revision } of this.store.cueLayers.revisedSince(this.cursorMs)) this.cuesRevised(jobId, revision);
      this.cursorMs = startedMs - rereadMs;
      if (++this.polls % deletionCheckEvery === 0) this.findDeletions();
      this.followLogs();
      this.emitQueueIfChanged();
    } catch {
      // A busy or closing database misses one poll; the next one catches up.
    }
  }

  private consider(job: JobRow): void {
    const previous = this.seen.get(job.id);
    const next = this.remember(job);
    if (previous?.fingerprint === next.fingerprint) return;
    if (job.state === 'running') this.logCursors.set(job.id, { afterId: this.logCursors.get(job.id)?.afterId ?? 0, followUntilMs: null });
    else this.followBriefly(job.id, previous === undefined);
    this.emit({ type: 'job.updated', job: toSummary(job) });
  }

  private remember(job: JobRow): SeenJob {
    const fingerprint = [job.state, job.progress, job.etaMs, job.attempts, job.startedMs, job.finishedMs, job.error?.code, job.priority].join('|');
    const entry = { state: job.state, fingerprint };
    this.seen.set(job.id, entry);
    return entry;
  }

  private forget(id: string): void {
    this.logCursors.delete(id);
    this.announcedCues.delete(id);
    if (this.seen.delete(id)) this.emit({ type: 'job.removed', id });
  }

  /** A job that was not running is followed only briefly: its lines come when it changes state. */
  private followBriefly(id: string, isNew: boolean): void {
    const cursor = this.logCursors.get(id);
    const until = Date.now() + logGraceMs;
    if (cursor) cursor.followUntilMs = until;
    else this.logCursors.set(id, { afterId: isNew ? 0 : this.lastLogId(id), followUntilMs: until });
  }

  private followLogs(): void {
    const now = Date.now();
    for (const [jobId, cursor] of this.logCursors) {
      for (const line of this.store.logs.page(jobId, { afterId: cursor.afterId })) {
        cursor.afterId = line.id;
        const entry: LogEntry = line;
        this.emit({ type: 'job.log', jobId, entry });
      }
      if (cursor.followUntilMs !== null && cursor.followUntilMs < now) this.logCursors.delete(jobId);
    }
  }

  /** Deletions leave no row to find. When the store holds fewer jobs than were seen, one of the
   * seen jobs is gone (every job in the store has been seen: new rows are found by the poll). */
  private findDeletions(): void {
    if (this.store.jobs.count() >= this.seen.size) return;
    const present = new Set(this.store.jobs.list().map((job) => job.id));
    for (const id of [...this.seen.keys()]) if (!present.has(id)) this.forget(id);
  }

  private emitQueueIfChanged(): void {
    const queue = this.queueStatus();
    const text = JSON.stringify(queue);
    if (text === this.lastQueue) return;
    this.lastQueue = text;
    this.emit({ type: 'queue.updated', queue });
  }

  private lastLogId(jobId: string): number {
    let afterId = 0;
    for (;;) {
      const page = this.store.logs.page(jobId, { afterId, limit: 5000 });
      if (page.length === 0) return afterId;
      afterId = page.at(-1)!.id;
    }
  }

  private emit(event: RedubEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // One listener's failure (a closed socket) must not keep the event from the others.
      }
    }
  }
}
