// Claims jobs from the store and runs them, up to a concurrency limit: renews each job's lease
// while it runs, notices cancellation made by any process (CLI, API) within a poll interval,
// and settles every attempt as done, retry-wait or failed. One writer: only the lease holder
// may settle a job. The store may refuse writes (a full disk): the scheduler then keeps going,
// names the problem (storageProblem) and writes the settlements it owes once it can.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { errorKind, toErrorData, type RedubErrorData } from '../../shared/errors.js';
import { isTerminalJobState, type JobOutputs } from '../../shared/jobs.js';
import type { Store } from '../store/store.js';
import type { JobRow } from './job-queue.js';

export interface JobRunner {
  (job: JobRow, signal: AbortSignal, onProgress: (progress: number, etaMs: number | null) => void): Promise<{ outputs: JobOutputs }>;
}

export interface SchedulerOptions {
  store: Pick<Store, 'jobs' | 'logs'>;
  runJob: JobRunner;
  concurrency: number;
  /** Only these jobs are claimed (a CLI run serves its own jobs); all when absent. */
  jobIds?: ReadonlySet<string>;
  leaseMs?: number;
  pollMs?: number;
  /** Called after a running job was cancelled and its worker killed, to remove partial outputs. */
  onCancelled?: (job: JobRow) => void;
  /** Called once an attempt of a job has been settled here (done, retry-wait, failed or cancelled). */
  onFinished?: (job: JobRow) => void;
}

interface RunningJob {
  job: JobRow;
  controller: AbortController;
  lastRenewMs: number;
  cancelled: boolean;
}

export function createOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Whether the process named in an owner id still runs; owners on other hosts count as alive
 * and are left to their lease expiry. */
export function isOwnerAlive(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname()) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class Scheduler {
  readonly owner = createOwnerId();
  private readonly running = new Map<string, RunningJob>();
  private readonly settled = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Settlements the store refused (a full disk), by job: written again on every tick until they land. */
  private readonly owed = new Map<string, () => void>();
  private problem: RedubErrorData | null = null;
  private readonly leaseMs: number;
  private readonly pollMs: number;

  constructor(private readonly options: SchedulerOptions) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 250;
  }

  start(): void {
    const recovered = this.options.store.jobs.recoverInterrupted(isOwnerAlive);
    for (const job of recovered) this.options.store.logs.append(job.id, 'warn', null, 'The process running this job stopped; the job resumes from its last finished stage.');
    this.tick();
    this.timer = setInterval(() => this.tick(), this.pollMs);
  }

  /** New work was queued through this process: look now rather than at the next poll (a render a
   * person waits to hear should not wait up to a poll interval first). */
  wake(): void {
    if (!this.stopped && this.timer) setImmediate(() => this.tick());
  }

  /** What keeps the store from taking writes now (a full disk), or null when it takes them. */
  get storageProblem(): RedubErrorData | null {
    return this.problem;
  }

  /**
   * Resolves when every given job has reached done, failed or cancelled — or has ended here but
   * could not be recorded as such (see storageProblem): a command waiting for it would wait forever.
   */
  waitFor(jobIds: string[]): Promise<JobRow[]> {
    return new Promise((resolve) => {
      const check = () => {
        // A job deleted meanwhile (by another process) counts as settled and is left out.
        const jobs = jobIds.map((id) => this.options.store.jobs.get(id)).filter((job): job is JobRow => job !== null);
        // A cancelled job still running here is not settled until its worker is dead and its
        // partial outputs are gone.
        const ended = (job: JobRow) => (isTerminalJobState(job.state) || this.owed.has(job.id)) && !this.running.has(job.id);
        if (jobs.every(ended)) {
          this.settled.delete(check);
          resolve(jobs);
        }
      };
      this.settled.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const entry of this.running.values()) {
      entry.cancelled = this.options.store.jobs.get(entry.job.id)?.state === 'cancelled';
      entry.controller.abort();
    }
    while (this.running.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private tick(): void {
    if (this.stopped) return;
    const { store } = this.options;
    try {
      this.payOwedSettlements();
      for (const entry of this.running.values()) this.watch(entry);
      // A full disk refuses new work as well: nothing is claimed until the store takes writes.
      while (this.problem === null && this.running.size < this.options.concurrency) {
        const job = store.jobs.claimNext(this.owner, this.leaseMs, this.options.jobIds ? [...this.options.jobIds] : undefined);
        if (!job) break;
        this.launch(job);
      }
    } catch (error) {
      this.noteStorageProblem(error);
    }
    for (const check of [...this.settled]) {
      try {
        check();
      } catch (error) {
        this.noteStorageProblem(error);
      }
    }
  }

  /** Writes what the store refused before; clears the problem once a write lands. */
  private payOwedSettlements(): void {
    if (this.problem === null) return;
    for (const [jobId, settle] of [...this.owed]) {
      settle();
      this.owed.delete(jobId);
    }
    this.options.store.jobs.probeWrite();
    this.problem = null;
  }

  private noteStorageProblem(error: unknown): void {
    this.problem = toErrorData(error);
  }

  /** Runs a settlement; one the store refuses is kept and written again on later ticks. */
  private settle(jobId: string, write: () => void): void {
    try {
      write();
    } catch (error) {
      this.owed.set(jobId, write);
      this.noteStorageProblem(error);
    }
  }

  private watch(entry: RunningJob): void {
    const { store } = this.options;
    const current = store.jobs.get(entry.job.id);
    if (!current || current.state === 'cancelled') {
      entry.cancelled = true;
      entry.controller.abort();
      return;
    }
    const now = Date.now();
    if (now - entry.lastRenewMs > this.leaseMs / 3) {
      entry.lastRenewMs = now;
      if (!store.jobs.renewLease(entry.job.id, entry.job.allocationId!, this.leaseMs)) {
        store.logs.append(entry.job.id, 'warn', null, 'This process lost the job\'s lease; another process took it over.');
        entry.controller.abort();
      }
    }
  }

  private launch(job: JobRow): void {
    const entry: RunningJob = { job, controller: new AbortController(), lastRenewMs: Date.now(), cancelled: false };
    this.running.set(job.id, entry);
    const { store } = this.options;
    const onProgress = (progress: number, etaMs: number | null) => store.jobs.updateProgress(job.id, job.allocationId!, progress, etaMs);
    Promise.resolve()
      .then(() => {
        store.logs.append(job.id, 'info', null, `Attempt ${job.attempts} of ${job.maxAttempts} started.`);
        return this.options.runJob(job, entry.controller.signal, onProgress);
      })
      .then(
        ({ outputs }) =>
          this.settle(job.id, () => {
            store.jobs.complete(job.id, job.allocationId!, outputs);
            store.logs.append(job.id, 'info', null, 'Done.');
          }),
        (error: unknown) => this.settleFailure(entry, error),
      )
      .finally(() => {
        this.running.delete(job.id);
        try {
          this.options.onFinished?.(job);
        } catch {
          // Housekeeping after a job never stands in the way of the next one.
        }
        this.tick();
      });
  }

  private settleFailure(entry: RunningJob, error: unknown): void {
    const { store } = this.options;
    const { job } = entry;
    if (entry.cancelled) {
      try {
        this.options.onCancelled?.(job);
      } catch {
        // Partial outputs that cannot be removed now are removed by the next cancel or run.
      }
      this.settle(job.id, () => store.logs.append(job.id, 'warn', null, 'Cancelled; the worker was stopped and partial outputs removed.'));
      return;
    }
    const data = toErrorData(error);
    // Bad input fails at once: retrying cannot fix it. Everything else gets backoff retries;
    // a database that stayed locked costs the job no attempt (another process held the lock).
    const retryable = errorKind(data.code) !== 'input';
    const countAttempt = data.code !== 'E_DATABASE_BUSY';
    this.settle(job.id, () => {
      const state = store.jobs.fail(job.id, job.allocationId!, data, { retryable, countAttempt });
      const details = data.details?.length ? ` (${data.details.join(' ')})` : '';
      store.logs.append(job.id, 'error', null, `${data.code}: ${data.message}${details}${state === 'retry_wait' ? ' Retrying after a pause.' : ''}`);
    });
  }
}

