// Owns the stats' reads over the jobs and stages tables: the jobs that finished in a window, the
// durations of those jobs and of the stages they really ran, ranked in SQL so a year of history
// comes back as two rows per stage rather than every row, and how often a stage reused a result.
import type { Statement } from 'better-sqlite3';
import { jobStates, type JobState } from '../../shared/jobs.js';
import type { Database } from './database.js';

export interface RankedDurations {
  count: number;
  medianMs: number | null;
  p95Ms: number | null;
}

export interface WindowFigures {
  finished: Record<'done' | 'failed' | 'cancelled', number>;
  /** The probed length of the videos of the done jobs, summed. */
  mediaMs: number;
  job: RankedDurations;
  stages: Map<string, RankedDurations>;
  /** Stages of the finished jobs that produced a result, and how many of those reused one. */
  stageRuns: number;
  reused: number;
}

interface Window {
  from: number;
  to: number;
}

interface RankedRow {
  name: string;
  count: number;
  median_ms: number | null;
  p95_ms: number | null;
}

// The index on finished_ms is named: without table statistics the planner may take the state
// index instead, and walk every done job ever made to find the last day's.
const finishedJobs = `
  SELECT id, state, started_ms, finished_ms, media_json FROM jobs INDEXED BY jobs_finished
  WHERE finished_ms BETWEEN @from AND @to AND state IN ('done', 'failed', 'cancelled')`;

// Nearest rank: the ⌈p·n/100⌉-th smallest value, the ceiling done in integers ((p·n + 99) / 100).
const ranked = (source: string) => `
  WITH ranked AS (
    SELECT name, ms, ROW_NUMBER() OVER (PARTITION BY name ORDER BY ms) AS position, COUNT(*) OVER (PARTITION BY name) AS n
    FROM (${source})
  )
  SELECT name, n AS count,
    MAX(CASE WHEN position = (n * 50 + 99) / 100 THEN ms END) AS median_ms,
    MAX(CASE WHEN position = (n * 95 + 99) / 100 THEN ms END) AS p95_ms
  FROM ranked GROUP BY name, n`;

export class StatsQueries {
  private readonly byState: Statement<[], { state: string; count: number }>;
  private readonly outcomes: Statement<[Window], { state: string; count: number; media_ms: number | null }>;
  private readonly jobDurations: Statement<[Window], RankedRow>;
  private readonly stageDurations: Statement<[Window], RankedRow>;
  private readonly cache: Statement<[Window], { runs: number; reused: number | null }>;
  private readonly readWindow: (window: Window) => WindowFigures;

  constructor(db: Database) {
    this.byState = db.prepare('SELECT state, COUNT(*) AS count FROM jobs GROUP BY state');
    this.outcomes = db.prepare(
      `SELECT state, COUNT(*) AS count, SUM(CASE WHEN state = 'done' THEN json_extract(media_json, '$.durationMs') END) AS media_ms
       FROM (${finishedJobs}) GROUP BY state`,
    );
    this.jobDurations = db.prepare(
      ranked(`SELECT 'job' AS name, finished_ms - started_ms AS ms FROM (${finishedJobs}) WHERE state = 'done' AND started_ms IS NOT NULL`),
    );
    // A reused stage's time is the cache lookup, not the work: it would pull every figure down.
    this.stageDurations = db.prepare(
      ranked(`SELECT s.name, s.duration_ms AS ms FROM (${finishedJobs}) j JOIN stages s ON s.job_id = j.id
              WHERE s.state = 'done' AND s.reused = 0 AND s.duration_ms IS NOT NULL`),
    );
    this.cache = db.prepare(
      `SELECT COUNT(*) AS runs, SUM(s.reused) AS reused FROM (${finishedJobs}) j JOIN stages s ON s.job_id = j.id WHERE s.state = 'done'`,
    );
    // One read transaction: a job finishing between two of the reads would not add up otherwise.
    this.readWindow = db.transaction((window: Window): WindowFigures => {
      const finished = { done: 0, failed: 0, cancelled: 0 };
      let mediaMs = 0;
      for (const row of this.outcomes.all(window)) {
        finished[row.state as keyof typeof finished] = row.count;
        mediaMs += row.media_ms ?? 0;
      }
      const job = this.jobDurations.get(window);
      const cache = this.cache.get(window);
      return {
        finished,
        mediaMs,
        job: job ? durations(job) : { count: 0, medianMs: null, p95Ms: null },
        stages: new Map(this.stageDurations.all(window).map((row) => [row.name, durations(row)])),
        stageRuns: cache?.runs ?? 0,
        reused: cache?.reused ?? 0,
      };
    });
  }

  /** Every job there is now, by state, whenever it was made or finished. */
  countsByState(): Record<JobState, number> {
    const counts = Object.fromEntries(jobStates.map((state) => [state, 0])) as Record<JobState, number>;
    for (const row of this.byState.all()) if (row.state in counts) counts[row.state as JobState] = row.count;
    return counts;
  }

  /** The jobs that finished between fromMs and toMs (both included) and the stages they ran. */
  window(fromMs: number, toMs: number): WindowFigures {
    return this.readWindow({ from: fromMs, to: toMs });
  }
}

function durations(row: RankedRow): RankedDurations {
  return { count: row.count, medianMs: row.median_ms, p95Ms: row.p95_ms };
}
