// Owns the records kept beside each job (stages, cues, logs, lip-sync, audio refs), the shared
// artifact index and the settings; JobStore adds the queue itself on top.
import { RedubError } from '../../shared/errors.js';
import type { CueRecord, JobDetails, JobSummary, LogLine, StageName, StageRecord } from '../../shared/jobs.js';
import type { LipSyncSegment } from '../../shared/lipsync.js';
import { ArtifactTable, type ArtifactRecord } from '../store/artifact-table.js';
import { CueTable, type CuePatch } from '../store/cue-table.js';
import type { Database } from '../store/database.js';
import { LipSyncTable, type AudioRef } from '../store/lipsync-table.js';
import { LogTable, type LogPage, type StoredLogLine } from '../store/log-table.js';
import { SettingsTable } from '../store/settings-table.js';
import { StageTable, type StagePatch } from '../store/stage-table.js';
import { toDetails, toSummary } from './job-mapper.js';
import type { JobRow } from './job-row.js';

export interface JobStats {
  cuesSynthesized?: number;
}

export class JobRecords {
  protected readonly settings: SettingsTable;
  private readonly stageTable: StageTable;
  private readonly cueTable: CueTable;
  private readonly logTable: LogTable;
  private readonly artifactTable: ArtifactTable;
  private readonly lipSyncTable: LipSyncTable;

  constructor(
    protected readonly db: Database,
    clock: () => number,
  ) {
    this.settings = new SettingsTable(db);
    this.stageTable = new StageTable(db);
    this.cueTable = new CueTable(db);
    this.logTable = new LogTable(db, clock);
    this.artifactTable = new ArtifactTable(db, clock);
    this.lipSyncTable = new LipSyncTable(db);
  }

  getSetting<T>(key: string, fallback: T): T {
    return this.settings.get(key, fallback);
  }

  setSetting(key: string, value: unknown): void {
    this.settings.set(key, value);
  }

  upsertStage(jobId: string, name: StageName, patch: StagePatch): void {
    this.forJob(jobId, () => this.stageTable.upsert(jobId, name, patch));
  }

  stages(jobId: string): StageRecord[] {
    return this.stageTable.list(jobId);
  }

  stageArtifactKey(jobId: string, name: StageName): string | null {
    return this.stageTable.artifactKey(jobId, name);
  }

  resetStages(jobId: string): void {
    this.stageTable.reset(jobId);
  }

  replaceCues(jobId: string, cues: CueRecord[]): void {
    this.forJob(jobId, () => this.cueTable.replace(jobId, cues));
  }

  /** All or nothing; a patch naming a cue the job does not have throws E_CUE_NOT_FOUND. */
  updateCues(jobId: string, patches: CuePatch[]): void {
    this.cueTable.patch(jobId, patches);
  }

  cues(jobId: string): CueRecord[] {
    return this.cueTable.list(jobId);
  }

  /** Returns the line's id, or null when the job was deleted meanwhile: a late log line from
   * a finishing attempt must not crash the process that writes it. */
  log(jobId: string, level: LogLine['level'], stage: StageName | null, message: string): number | null {
    try {
      return this.logTable.append(jobId, level, stage, message);
    } catch (error) {
      if (isForeignKeyError(error)) return null;
      throw error;
    }
  }

  logs(jobId: string, page: LogPage = {}): StoredLogLine[] {
    return this.logTable.page(jobId, page);
  }

  recordArtifact(artifact: { key: string; stage: string; path: string; bytes: number }): void {
    this.artifactTable.record(artifact);
  }

  /** False when the key is not recorded. */
  touchArtifact(key: string): boolean {
    return this.artifactTable.touchKey(key);
  }

  artifact(key: string): ArtifactRecord | null {
    return this.artifactTable.get(key);
  }

  /** Least recently used first. */
  artifacts(): ArtifactRecord[] {
    return this.artifactTable.list();
  }

  deleteArtifact(key: string): boolean {
    return this.artifactTable.delete(key);
  }

  replaceLipSyncSegments(jobId: string, segments: LipSyncSegment[]): void {
    this.forJob(jobId, () => this.lipSyncTable.replaceSegments(jobId, segments));
  }

  lipSyncSegments(jobId: string): LipSyncSegment[] {
    return this.lipSyncTable.segments(jobId);
  }

  addAudioRef(jobId: string, ref: AudioRef): void {
    this.forJob(jobId, () => this.lipSyncTable.addAudio(jobId, ref));
  }

  audioRefs(jobId: string): AudioRef[] {
    return this.lipSyncTable.audio(jobId);
  }

  /** Statistics of the job's last run, e.g. how many cues were synthesized anew. */
  jobStats(jobId: string): JobStats {
    const json = this.db.prepare<[string], { stats_json: string }>('SELECT stats_json FROM jobs WHERE id = ?').get(jobId)?.stats_json;
    return json ? (JSON.parse(json) as JobStats) : {};
  }

  setJobStats(jobId: string, stats: JobStats): void {
    this.db.prepare('UPDATE jobs SET stats_json = ? WHERE id = ?').run(JSON.stringify(stats), jobId);
  }

  toSummary(row: JobRow): JobSummary {
    return toSummary(row);
  }

  toDetails(row: JobRow): JobDetails {
    return toDetails(row, { stages: this.stages(row.id), cues: this.cues(row.id) });
  }

  /** Turns a write for a job that does not exist into the error a person understands. */
  protected forJob<T>(jobId: string, write: () => T): T {
    try {
      return write();
    } catch (error) {
      if (isForeignKeyError(error)) throw new RedubError('E_JOB_NOT_FOUND', { details: [`No job has the id ${jobId}.`], cause: error });
      throw error;
    }
  }
}

function isForeignKeyError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
