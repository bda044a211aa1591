// Owns the job database's repositories, one per table, each with its own SQL: the jobs and their
// queue, stages, cues, a person's cue edits, logs, the artifact index, lip-sync plans and settings. Code that needs a
// few of them is given those few (a stage runner gets stages, logs, artifacts and the lease
// check), not the whole store.
import { ArtifactTable } from './artifact-table.js';
import { CueLayerTable } from './cue-layer-table.js';
import { CueTable } from './cue-table.js';
import type { Database } from './database.js';
import { LipSyncTable } from './lipsync-table.js';
import { SpeakerVoiceTable } from './speaker-voice-table.js';
import { LogTable } from './log-table.js';
import { SettingsTable } from './settings-table.js';
import { StageTable } from './stage-table.js';
import { StatsQueries } from './stats-queries.js';
import { JobQueue, type JobQueueOptions } from '../queue/job-queue.js';

export type { JobQueueOptions, JobRow, JobStats, NewJob } from '../queue/job-queue.js';

export class Store {
  readonly jobs: JobQueue;
  readonly stages: StageTable;
  readonly cues: CueTable;
  readonly logs: LogTable;
  readonly artifacts: ArtifactTable;
  readonly lipSync: LipSyncTable;
  readonly speakerVoices: SpeakerVoiceTable;
  readonly settings: SettingsTable;
  /** A person's cue edits over the cues the stages made. */
  readonly cueLayers: CueLayerTable;
  /** Reads across jobs and stages for the stats (GET /stats, the Stats page). */
  readonly stats: StatsQueries;

  constructor(
    readonly db: Database,
    options: JobQueueOptions = {},
  ) {
    const clock = options.clock ?? Date.now;
    this.settings = new SettingsTable(db);
    this.logs = new LogTable(db, clock);
    this.stages = new StageTable(db);
    this.cues = new CueTable(db);
    this.artifacts = new ArtifactTable(db, clock);
    this.lipSync = new LipSyncTable(db);
    this.speakerVoices = new SpeakerVoiceTable(db);
    this.cueLayers = new CueLayerTable(db, clock);
    this.stats = new StatsQueries(db);
    this.jobs = new JobQueue(db, { settings: this.settings, logs: this.logs }, options);
  }
}
