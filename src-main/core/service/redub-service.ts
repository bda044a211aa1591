// The one front door every transport calls — desktop IPC, the local HTTP API and the command
// line: it validates each call with the contract's schemas, runs the jobs (one long-lived
// scheduler over all of them, or a command's own), and turns the store into events. Transports
// only translate; what a call means (deleting a running job, re-making a finished job whose
// outputs are gone) is decided here, once.
import { existsSync, rmSync, statfsSync } from 'node:fs';
import path from 'node:path';
import {
  apiMediaItemPath, jobIdSchema, lipSyncRequestSchema, type LipSyncRequest, type MediaItem, type MediaTrack, type WaveformQuery, type WaveformView, type CreateJobsRequest, type ListJobsQuery, type LogEntry,
  type LogsQuery, type ModelPackInfo, type ModelTask, type ModelVerification, type PreviewSources, type QueueStatus,
  type RedubApi, type RedubEvent, type Settings, type SettingsPatch, type Stats, type StatsQuery,
} from '../../shared/contract.js';
import { RedubError, type RedubErrorData } from '../../shared/errors.js';
import { isTerminalJobState, jobStates, type JobDetails, type JobState, type JobSummary } from '../../shared/jobs.js';
import { toDetails, toSummary } from '../queue/job-mapper.js';
import type { JobRow } from '../queue/job-queue.js';
import type { Scheduler } from '../queue/scheduler.js';
import { RedubCore, type CoreOptions } from '../redub-core.js';
import type { WorkerHost } from '../worker-host/worker-host.js';
import { openServedFile, type FileLocation, type ServedFile } from '../files/served-file.js';
import type { CueEditsRequest, CuesView, SpeakerVoicesRequest } from '../../shared/cues.js';
import { pruneArtifacts, type PruneReport } from '../housekeeping/prune-artifacts.js';
import type { AudioRefSummary } from '../../shared/lipsync.js';
import { cuesView, editCues, waveformView } from './cue-editing.js';
import { mixLocation, trackLocation } from './job-media.js';
import { audioLocation, audioSummaries, lipSyncPlan, replaceLipSync } from './lipsync-editing.js';
import { replaceSpeakerVoices, speakersView } from './speaker-editing.js';
import { checkVoiceListed } from '../redub-core.js';
import { parseArguments, parseValue } from './arguments.js';

export { parseArguments };
import { pruneBudget, readSettings, requestDefaults, writeSettings } from './app-settings.js';
import { JobEventFeed } from './job-event-feed.js';
import { statsView } from './stats-view.js';
import { ModelManager, type ModelDownloadOptions } from './model-manager.js';

export type { MediaTrack };

export interface RedubServiceOptions {
  dataDir: string;
  /** The URL a transport serves a job's track or added audio file under (an HTTP path, a custom
   * protocol); the API's paths by default. */
  mediaUrl?: (jobId: string, item: MediaItem) => string;
  /**
   * Whether this service runs every job in the queue (the app, `redub serve`; the default) or
   * only those a caller hands to runJobs (a `redub` command, which leaves the rest to others).
   */
  runQueue?: boolean;
  /** The pipeline's stages; the dub pipeline by default. */
  stages?: CoreOptions['stages'];
  /** Overrides the cpuWorkers setting for this run. */
  cpuWorkers?: number;
  workerHost?: WorkerHost;
  /** How often the event feed looks at the store. */
  pollMs?: number;
  /** Passed to the core; tests shorten them. */
  heartbeatTimeoutMs?: number;
  retryBaseMs?: number;
  /** The model catalog file; by default REDUB_MODEL_CATALOG, else the bundled models/catalog.json. */
  modelCatalog?: string;
  /** Download tuning for model installs (tests shorten retries or slow the transfer). */
  modelDownload?: ModelDownloadOptions;
  /** The least time between two progress events of one model install (250 ms by default). */
  modelProgressIntervalMs?: number;
}

export interface StorageHealth {
  ok: boolean;
  dataDir: string;
  /** Space left on the disk of the data folder, where the platform tells. */
  freeBytes: number | null;
  /** What keeps Redub from recording its work, with the sentence and the next step. */
  problem: RedubErrorData | null;
}

/** Below this much free space the next artifact or database page will not fit. */
const storageReserveBytes = 1024 * 1024;

/** How long a delete waits for a cancelled job's worker to be stopped before deleting anyway. */
const deleteWaitMs = 10_000;

export class RedubService implements RedubApi {
  readonly core: RedubCore;
  readonly dataDir: string;
  /** The scheduler over the whole queue, when this service runs it. */
  private readonly scheduler: Scheduler | null;
  /** Schedulers of runJobs calls in progress. */
  private readonly ownRuns = new Set<Scheduler>();
  private readonly events: JobEventFeed;
  private readonly models: ModelManager;
  private closed: Promise<void> | null = null;
  private pruning = false;

  constructor(private readonly options: RedubServiceOptions) {
    this.dataDir = path.resolve(options.dataDir);
    const coreOptions: CoreOptions = { dataDir: this.dataDir, workerHost: options.workerHost, stages: options.stages, onJobFinished: () => this.pruneSoon() };
    if (options.heartbeatTimeoutMs !== undefined) coreOptions.heartbeatTimeoutMs = options.heartbeatTimeoutMs;
    if (options.retryBaseMs !== undefined) coreOptions.retryBaseMs = options.retryBaseMs;
    this.core = new RedubCore(coreOptions);
    // The worker count is a setting, kept in the database the core has just opened; the core
    // reads it when it first starts its workers, just below. A change applies at the next start.
    coreOptions.cpuWorkers = options.cpuWorkers ?? readSettings(this.core.store.settings).cpuWorkers;
    this.scheduler = options.runQueue === false ? null : this.core.createScheduler();
    this.scheduler?.start();
    this.events = new JobEventFeed(this.core.store, () => this.currentQueueStatus(), options.pollMs ?? 250);
    this.models = new ModelManager({
      dataDir: this.dataDir,
      catalogPath: options.modelCatalog,
      download: options.modelDownload,
      progressIntervalMs: options.modelProgressIntervalMs,
      publish: (event) => this.events.publish(event),
    });
  }

  get uploadsDir(): string {
    return path.join(this.dataDir, 'uploads');
  }

  get downloadsDir(): string {
    return this.core.downloadsDir;
  }

  async createJobs(request: CreateJobsRequest): Promise<{ jobs: JobSummary[] }> {
    return { jobs: (await this.submitJobs(request)).map(({ job }) => job) };
  }

  /**
   * createJobs, saying of each job whether this request made it or found it: the same request
   * finds the same job, and a finished one whose files are gone is made again.
   */
  async submitJobs(request: CreateJobsRequest): Promise<{ job: JobSummary; created: boolean }[]> {
    const [valid] = parseArguments('createJobs', [request]);
    const settings = readSettings(this.core.store.settings);
    const defaults = requestDefaults(settings, valid.glossary ?? []);
    const prepared = await this.core.prepareDub({
      input: valid.input,
      to: valid.to,
      from: valid.from ?? null,
      subtitles: valid.subtitles ?? null,
      subtitlesEncoding: valid.subtitlesEncoding ?? null,
      subtitlesShown: valid.subtitlesShown ?? false,
      translations: valid.translations,
      voices: valid.voices,
      outDir: valid.outDir ?? null,
      transcriber: valid.transcriber ?? null,
      translator: valid.translator ?? null,
      lipsync: valid.lipsync ?? null,
      audio: valid.audio ?? {},
      // The same limit wherever segments come from: the setting, as PUT /jobs/{id}/lipsync applies it.
      maxLipSyncSegments: defaults.maxLipSyncSegments,
      glossary: defaults.glossary,
      maxSpeed: valid.maxSpeed ?? defaults.maxSpeed,
      limits: {
        maxBytes: valid.maxInputMb !== undefined ? Math.round(valid.maxInputMb * 1024 * 1024) : defaults.limits?.maxBytes,
        maxDurationMs: valid.maxDurationMinutes !== undefined ? Math.round(valid.maxDurationMinutes * 60_000) : defaults.limits?.maxDurationMs,
      },
      executionProvider: valid.executionProvider ?? settings.executionProvider,
      ...(valid.separation ? { separation: valid.separation } : {}),
      ...(valid.speakers !== undefined ? { speakers: valid.speakers } : {}),
      ...(valid.stems ? { stems: true } : {}),
    });
    const submitted = this.core.enqueue(prepared, valid.priority ?? 0).map(({ job, created }) => {
      const outputsGone = job.state === 'done' && Object.values(job.outputs).some((file) => !file || !existsSync(file));
      return { job: toSummary(outputsGone ? this.core.store.jobs.requeueDone(job.id) : job), created };
    });
    this.scheduler?.wake();
    return submitted;
  }

  /**
   * Runs the given jobs in this process until each is done, failed or cancelled (how a `redub`
   * command runs what it queued), and returns them. A job that ended but could not be recorded
   * (a full disk) makes it throw that storage error instead: waiting longer would wait forever.
   */
  async runJobs(ids: string[]): Promise<JobDetails[]> {
    const scheduler = this.core.createScheduler(ids);
    this.ownRuns.add(scheduler);
    let rows: JobRow[];
    try {
      scheduler.start();
      rows = await scheduler.waitFor(ids);
    } finally {
      await scheduler.stop();
      this.ownRuns.delete(scheduler);
    }
    if (rows.some((job) => !isTerminalJobState(job.state)) && scheduler.storageProblem) throw RedubError.fromData(scheduler.storageProblem);
    return Promise.all(rows.map((job) => this.getJob(job.id)));
  }

  /** The full id of the one job whose id is or starts with `prefix`, as a person types it from a list. */
  resolveJobId(prefix: string): string {
    const trimmed = prefix.trim();
    if (this.core.store.jobs.get(trimmed)) return trimmed;
    const matches = trimmed === '' ? [] : this.core.store.jobs.list({ limit: 100_000 }).filter((job) => job.id.startsWith(trimmed));
    if (matches.length === 1) return matches[0]!.id;
    if (matches.length > 1) throw new RedubError('E_USAGE', { message: `"${trimmed}" matches ${matches.length} jobs; give more of the id.` });
    throw new RedubError('E_JOB_NOT_FOUND', { details: [`No job id starts with "${trimmed}".`] });
  }

  async listJobs(query?: ListJobsQuery): Promise<{ total: number; jobs: JobSummary[] }> {
    const [valid] = parseArguments('listJobs', [query]);
    const filter = { states: valid?.states, search: valid?.search || undefined };
    const rows = this.core.store.jobs.list({ ...filter, limit: valid?.limit ?? 100, offset: valid?.offset ?? 0 });
    return { total: this.core.store.jobs.count(filter), jobs: rows.map(toSummary) };
  }

  async getJob(id: string): Promise<JobDetails> {
    const job = this.requireJob('getJob', id);
    const { store } = this.core;
    // The limit is the setting as it is now: the one the next change of the segments is checked against.
    const lipsync = lipSyncPlan(this.core, job.id, readSettings(store.settings).maxLipSyncSegments);
    const details = toDetails(job, { stages: store.stages.list(job.id, this.core.stageNames), cues: store.cues.list(job.id), warnings: store.logs.warnings(job.id), lipsync });
    details.cuesSynthesized = store.jobs.stats(job.id).cuesSynthesized ?? 0;
    return details;
  }

  async getLogs(id: string, query?: LogsQuery): Promise<{ logs: LogEntry[] }> {
    const [validId, page] = parseArguments('getLogs', [id, query]);
    this.core.store.jobs.require(validId);
    return { logs: this.core.store.logs.page(validId, { afterId: page?.afterId, limit: page?.limit ?? 1000 }) };
  }

  async cancelJob(id: string): Promise<JobSummary> {
    const job = this.requireJob('cancelJob', id);
    return toSummary(this.core.store.jobs.cancel(job.id));
  }

  async retryJob(id: string): Promise<JobSummary> {
    const job = this.requireJob('retryJob', id);
    const retried = toSummary(this.core.store.jobs.retry(job.id));
    this.scheduler?.wake();
    return retried;
  }

  /** A person expects delete to work on a running job too: it is cancelled first, and deleted
   * once its worker has been stopped and its partial outputs removed. */
  async deleteJob(id: string): Promise<{ id: string; deleted: true }> {
    const job = this.requireJob('deleteJob', id);
    if (!isTerminalJobState(job.state)) {
      this.core.store.jobs.cancel(job.id);
      // Run here: wait for our scheduler to stop its worker and remove partial outputs. Run by
      // another process: that process does the same within a poll of its own; its late writes
      // for a deleted job are dropped.
      const here = [this.scheduler, ...this.ownRuns].filter((scheduler): scheduler is Scheduler => scheduler !== null);
      await Promise.race([Promise.all(here.map((scheduler) => scheduler.waitFor([job.id]))), delay(deleteWaitMs)]);
    }
    if (this.core.store.jobs.get(job.id)) this.core.store.jobs.delete(job.id);
    for (const root of [this.uploadsDir, this.downloadsDir]) this.removeOwnedFolder(root, job);
    return { id: job.id, deleted: true };
  }

  /**
   * Whether the data folder takes writes: the scheduler's last refused write (cleared once one
   * lands again), or a disk with next to no space left, which refuses the next write anyway.
   */
  storageHealth(): StorageHealth {
    let freeBytes: number | null = null;
    try {
      const stats = statfsSync(this.dataDir);
      freeBytes = stats.bavail * stats.bsize;
    } catch {
      // Not every platform tells; the scheduler's own record still does.
    }
    const noted = this.scheduler?.storageProblem ?? [...this.ownRuns].map((scheduler) => scheduler.storageProblem).find(Boolean) ?? null;
    const nearlyFull = freeBytes !== null && freeBytes < storageReserveBytes;
    const problem = noted ?? (nearlyFull ? new RedubError('E_DISK_FULL', { details: [`The disk that holds ${this.dataDir} has ${freeBytes} bytes left.`] }).toData() : null);
    return { ok: problem === null, dataDir: this.dataDir, freeBytes, problem };
  }

  /**
   * Prunes the artifact cache to the settings' size and age budget (see housekeeping/); with
   * dryRun, says what would go and frees nothing.
   */
  pruneArtifacts(options: { dryRun?: boolean } = {}): PruneReport {
    return pruneArtifacts(this.core.store, this.core.cache, pruneBudget(readSettings(this.core.store.settings)), options);
  }

  /** After a job finishes: prune once the moment passes, never two at once, never failing anything. */
  private pruneSoon(): void {
    if (this.pruning) return;
    this.pruning = true;
    setImmediate(() => {
      try {
        if (!this.closed) this.pruneArtifacts();
      } catch {
        // A full disk or a locked database: the next finished job tries again.
      } finally {
        this.pruning = false;
      }
    });
  }

  async queueStatus(): Promise<QueueStatus> {
    return this.currentQueueStatus();
  }

  async setQueuePaused(paused: boolean): Promise<QueueStatus> {
    const [valid] = parseArguments('setQueuePaused', [paused]);
    this.core.store.jobs.setPaused(valid);
    this.events.queueChanged();
    return this.currentQueueStatus();
  }

  async getSettings(): Promise<Settings> {
    return readSettings(this.core.store.settings);
  }

  async updateSettings(patch: SettingsPatch): Promise<Settings> {
    const [valid] = parseArguments('updateSettings', [patch]);
    return writeSettings(this.core.store.settings, valid);
  }

  async previewSources(id: string): Promise<PreviewSources> {
    const job = this.requireJob('previewSources', id);
    return {
      original: this.mediaUrl(job.id, 'original'),
      dub: job.state === 'done' && job.outputs.video ? this.mediaUrl(job.id, 'dub') : null,
      mix: mixLocation(this.core, job) ? this.mediaUrl(job.id, 'mix') : null,
      audio: Object.fromEntries(audioSummaries(this.core, job.id).map((ref) => [ref.id, this.mediaUrl(job.id, { audio: ref.id })])),
    };
  }

  async getCues(id: string): Promise<CuesView> {
    const job = this.requireJob('getCues', id);
    return this.withSpeakers(job.id, cuesView(this.core.store, this.core.cache, job.id));
  }

  async editCues(id: string, request: CueEditsRequest): Promise<CuesView> {
    const [validId, valid] = parseArguments('editCues', [id, request]);
    const view = this.withSpeakers(validId, editCues(this.core.store, this.core.cache, this.core.store.jobs.require(validId).id, valid));
    this.events.cuesRevised(validId, view.revision);
    return view;
  }

  /** Runs a finished (or failed) job again with its cues as they read now; a running one renders when it ends. */
  async renderJob(id: string): Promise<JobSummary> {
    const job = this.requireJob('renderJob', id);
    const { jobs } = this.core.store;
    if (job.state === 'running') throw new RedubError('E_JOB_STATE', { message: 'The job is rendering now; render again once it has finished.' });
    const queued = job.state === 'done' ? jobs.requeueDone(job.id) : job.state === 'failed' || job.state === 'cancelled' ? jobs.retry(job.id) : job;
    this.scheduler?.wake();
    return toSummary(queued);
  }

  /**
   * Replaces the job's lip-sync segments (all of them; [] removes them), checked as at creation
   * against its video, its added audio and the maxLipSyncSegments setting, and queues the job
   * again so lip-sync and the export re-run. A running job is refused (E_JOB_STATE).
   */
  async replaceLipSync(id: string, request: LipSyncRequest): Promise<JobDetails> {
    const validId = parseValue(jobIdSchema, id, 'id');
    const valid = parseValue(lipSyncRequestSchema.strict(), request, 'request');
    const job = this.core.store.jobs.require(validId);
    await replaceLipSync(this.core, job, valid.segments, readSettings(this.core.store.settings).maxLipSyncSegments, () => this.core.installedModels());
    this.scheduler?.wake();
    return this.getJob(job.id);
  }

  /**
   * Replaces the voices picked for the job's speakers, each checked as `--voice` is, and queues the
   * job again (a running job is refused, E_JOB_STATE): only the cues of speakers whose voice changed
   * are spoken again.
   */
  async replaceSpeakerVoices(id: string, request: SpeakerVoicesRequest): Promise<JobDetails> {
    const [validId, valid] = parseArguments('replaceSpeakerVoices', [id, request]);
    const job = this.core.store.jobs.require(validId);
    await replaceSpeakerVoices(this.core, job, valid, checkVoiceListed, () => this.core.installedModels());
    this.scheduler?.wake();
    return this.getJob(job.id);
  }

  private withSpeakers(jobId: string, view: CuesView): CuesView {
    return { ...view, ...speakersView(this.core, this.core.store.jobs.require(jobId), view.cues) };
  }

  /** The audio files added to a job, as its details list them. */
  jobAudio(id: string): AudioRefSummary[] {
    return audioSummaries(this.core, this.requireJob('getJob', id).id);
  }

  /** An added audio file opened for sending, bounded by its own folder (see served-file.ts). */
  async openAudio(jobId: string, refId: string): Promise<ServedFile> {
    const job = this.requireJob('getJob', jobId);
    return openServedFile(audioLocation(this.core, job.id, refId));
  }

  async getWaveform(id: string, query: WaveformQuery): Promise<WaveformView> {
    const [validId, valid] = parseArguments('getWaveform', [id, query]);
    return waveformView(this.core.store, this.core.cache, this.core.store.jobs.require(validId).id, valid);
  }

  async listModels(): Promise<{ packs: ModelPackInfo[]; tasks: ModelTask[] }> {
    parseArguments('listModels', []);
    return this.models.list();
  }

  async installModel(id: string): Promise<ModelTask> {
    const [validId] = parseArguments('installModel', [id]);
    return this.models.install(validId);
  }

  async importModel(id: string, source: string): Promise<ModelPackInfo> {
    const [validId, validSource] = parseArguments('importModel', [id, source]);
    return this.models.import(validId, validSource);
  }

  async verifyModel(id: string): Promise<ModelVerification> {
    const [validId] = parseArguments('verifyModel', [id]);
    return this.models.verify(validId);
  }

  async removeModel(id: string): Promise<{ id: string; removed: boolean }> {
    const [validId] = parseArguments('removeModel', [id]);
    return this.models.remove(validId);
  }

  async getStats(query?: StatsQuery): Promise<Stats> {
    const [valid] = parseArguments('getStats', [query]);
    return statsView(this.core.store, valid?.windowHours ?? 24, Date.now(), this.core.stageNames);
  }

  /** Where a job's track is and the folder it must lie in (see job-media.ts). */
  mediaLocation(jobId: string, track: MediaTrack): FileLocation {
    return trackLocation(this.core, this.requireJob('getJob', jobId), track);
  }

  /** The track opened for sending, refused (E_FORBIDDEN_PATH) when a link leads it out of its folder. */
  openMedia(jobId: string, track: MediaTrack): Promise<ServedFile> {
    return openServedFile(this.mediaLocation(jobId, track));
  }

  onEvent(listener: (event: RedubEvent) => void): () => void {
    return this.events.subscribe(listener);
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.events.close();
      // Running model installs stop here; their .part files stay for the next install to resume.
      await this.models.close();
      await Promise.all([this.scheduler, ...this.ownRuns].map((scheduler) => scheduler?.stop()));
      await this.core.close();
    })();
    return this.closed;
  }

  private requireJob(method: 'getJob' | 'cancelJob' | 'retryJob' | 'deleteJob' | 'previewSources' | 'getCues' | 'renderJob', id: string): JobRow {
    const [validId] = parseArguments(method, [id]);
    return this.core.store.jobs.require(validId);
  }

  private mediaUrl(jobId: string, item: MediaItem): string {
    return (this.options.mediaUrl ?? apiMediaItemPath)(jobId, item);
  }

  private currentQueueStatus(): QueueStatus {
    const counts = Object.fromEntries(jobStates.map((state) => [state, this.core.store.jobs.count({ states: [state] })])) as Record<JobState, number>;
    return { paused: this.core.store.jobs.isPaused(), counts, depth: counts.queued + counts.retry_wait };
  }

  /** An uploaded or downloaded video lives in its own folder under uploads/ or downloads/; it goes
   * with the last job using it. */
  private removeOwnedFolder(root: string, job: JobRow): void {
    const relative = path.relative(root, job.inputPath);
    const folderName = relative.split(path.sep)[0];
    if (!folderName || relative.startsWith('..') || path.isAbsolute(relative) || folderName === relative) return;
    const folder = path.join(root, folderName);
    const stillUsed = this.core.store.jobs.list({ search: folder }).some((other) => other.inputPath.startsWith(folder + path.sep));
    if (!stillUsed) rmSync(folder, { recursive: true, force: true });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
