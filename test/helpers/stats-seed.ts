// Jobs and stage records written straight into the tables, with the exact times and states a
// stats test needs: the queue's own API would stamp them with the clock of the moment.
import type { Database } from '../../src-main/core/store/database.js';
import type { JobState } from '../../src-main/shared/jobs.js';

export interface SeededStage {
  name: string;
  state: 'done' | 'failed' | 'skipped' | 'running' | 'pending';
  ms: number | null;
  reused?: boolean;
}

export interface SeededJob {
  id: string;
  state: JobState;
  startedMs?: number | null;
  finishedMs?: number | null;
  /** The probed length of the video; absent for a job that never got that far. */
  mediaMs?: number;
  stages?: SeededStage[];
}

export function seedJobs(db: Database, jobs: readonly SeededJob[]): void {
  const insertJob = db.prepare(
    `INSERT INTO jobs (id, idempotency_key, input_path, language, options_json, state, created_ms, updated_ms, started_ms, finished_ms, media_json)
     VALUES (@id, @key, @input, 'es', '{}', @state, @created, @created, @started, @finished, @media)`,
  );
  const insertStage = db.prepare(
    `INSERT INTO stages (job_id, name, state, progress, reused, attempts, started_ms, finished_ms, duration_ms)
     VALUES (@jobId, @name, @state, 100, @reused, 1, NULL, NULL, @ms)`,
  );
  db.transaction(() => {
    for (const job of jobs) {
      const started = job.startedMs ?? null;
      insertJob.run({
        id: job.id, key: `stats-${job.id}`, input: `/videos/${job.id}.mp4`, state: job.state, created: (started ?? job.finishedMs ?? 1) - 1,
        started, finished: job.finishedMs ?? null, media: job.mediaMs === undefined ? null : JSON.stringify({ durationMs: job.mediaMs, fps: 25 }),
      });
      for (const stage of job.stages ?? []) insertStage.run({ jobId: job.id, name: stage.name, state: stage.state, reused: stage.reused ? 1 : 0, ms: stage.ms });
    }
  })();
}

const hour = 3_600_000;

/**
 * The fixture the stats tests share, around `now`: in the last 24 hours four done jobs (30 s,
 * 60 s, 120 s and 300 s long; 2 + 3 + 1 minutes of video, one without a probe result), one failed
 * and one cancelled; a done job 30 hours ago (1000 s, 10 minutes of video); and one job each
 * queued, running and waiting to retry. Expected figures are worked out in the tests.
 */
export function statsFixture(now: number): SeededJob[] {
  return [
    {
      id: 'a', state: 'done', startedMs: now - 10 * hour, finishedMs: now - 10 * hour + 60_000, mediaMs: 120_000,
      stages: [{ name: 'probe', state: 'done', ms: 1000 }, { name: 'transcribe', state: 'done', ms: 40_000 }, { name: 'synthesize', state: 'done', ms: 5, reused: true }],
    },
    {
      id: 'b', state: 'done', startedMs: now - 5 * hour, finishedMs: now - 5 * hour + 120_000, mediaMs: 180_000,
      stages: [
        { name: 'probe', state: 'done', ms: 3000 }, { name: 'transcribe', state: 'done', ms: 2, reused: true }, { name: 'synthesize', state: 'done', ms: 50_000 },
        { name: 'legacy', state: 'done', ms: 500 },
      ],
    },
    {
      id: 'c', state: 'done', startedMs: now - 3 * hour, finishedMs: now - 3 * hour + 300_000, mediaMs: 60_000,
      stages: [
        { name: 'probe', state: 'done', ms: 2000 }, { name: 'separate', state: 'skipped', ms: null }, { name: 'transcribe', state: 'done', ms: 20_000 },
        { name: 'synthesize', state: 'done', ms: 70_000 },
      ],
    },
    // Finished exactly as the 24-hour window opens: the window includes both its ends.
    { id: 'j', state: 'done', startedMs: now - 24 * hour - 30_000, finishedMs: now - 24 * hour },
    {
      id: 'd', state: 'failed', startedMs: now - 2 * hour, finishedMs: now - hour, mediaMs: 999_000,
      stages: [{ name: 'probe', state: 'done', ms: 4000 }, { name: 'transcribe', state: 'failed', ms: 10_000 }],
    },
    { id: 'e', state: 'cancelled', startedMs: now - 3 * hour, finishedMs: now - 2 * hour, stages: [{ name: 'probe', state: 'done', ms: 3, reused: true }] },
    {
      id: 'f', state: 'done', startedMs: now - 30 * hour, finishedMs: now - 30 * hour + 1_000_000, mediaMs: 600_000,
      stages: [{ name: 'probe', state: 'done', ms: 99_999 }],
    },
    { id: 'q', state: 'queued' },
    { id: 'r', state: 'running', startedMs: now - 60_000, stages: [{ name: 'probe', state: 'running', ms: null }] },
    { id: 'w', state: 'retry_wait', startedMs: now - 120_000, stages: [{ name: 'probe', state: 'failed', ms: 700 }] },
  ];
}
