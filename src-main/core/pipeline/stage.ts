// What a stage is. One module per stage exports one declaration with everything about it: its
// name and version, its share of a job's progress, the stages whose outputs it consumes, how its
// worker params are built from those outputs and the job's options, which of those params do not
// change its output (each with the reason), where it runs, what it does in the worker, how its
// output is checked, and what the host records of it. The artifact key is derived from the
// params themselves, so a param that changes the output cannot be left out of the key by
// accident; the pipeline is the list of declarations (stage-registry.ts).
import type { ResourceClass, StageName } from '../../shared/jobs.js';
import type { CuePatch } from '../store/cue-table.js';
import type { StageTask } from '../worker-host/protocol.js';
import type { EngineCache } from './engine-cache.js';
import type { DubJobOptions } from './dub-options.js';
import type { CueRecord, LogLine } from '../../shared/jobs.js';
import type { MixBase } from './stages/mix.js';
import type { BaseCue, CueLayer } from '../cues/cue-layer.js';
import type { LipSyncPackDirectories } from '../engines/lipsync/lipsync-version.js';

/** What a worker gives a stage's run(). */
export interface StageContext {
  task: StageTask;
  engines: EngineCache;
  reportProgress(fraction: number): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Records which execution provider (cpu, cuda, …) produced the result. */
  useExecutionProvider(provider: string): void;
}

/** A finished stage as later stages and the host see it. */
export interface StageOutput<Result> {
  key: string;
  result: Result;
  directory: string;
  reused: boolean;
  file(name: string): string;
}

/** The kinds of engine a model stage loads; each has an interface in core/engines. */
export type EngineKind = 'vad' | 'asr' | 'mt' | 'tts' | 'lipsync' | 'separation' | 'diarization';

export type Placement = { pool: 'cpu' } | { pool: 'model'; engine: EngineKind };

/** What a stage's plan() may read: the job's options and the outputs of the stages it consumes. */
export interface PlanContext {
  readonly jobId: string;
  readonly options: DubJobOptions;
  /** A person's edits over the job's cues, as they stood when this run began. */
  readonly cueLayer: { revision: number; layer: CueLayer };
  /** The lip-sync packs' folders when the job has segments (null otherwise). */
  readonly lipSyncPacks: LipSyncPackDirectories | null;
  /** The output of a stage named in `consumes`; null when that stage was skipped. */
  output<Result>(stage: AnyStage<Result>): StageOutput<Result> | null;
  /** The newest mix of the same original audio at the same loudness, which a mix may patch. */
  mixBase(extractKey: string, targetLufs: number): MixBase | null;
}

/** What a stage's recorded() may change on the host: the job's own records. */
export interface RecordContext extends PlanContext {
  log(level: LogLine['level'], message: string): void;
  replaceCues(cues: CueRecord[]): void;
  replaceBaseCues(cues: BaseCue[]): void;
  updateCues(patches: CuePatch[]): void;
  noteDetectedSourceLanguage(language: string): void;
  recordMedia(media: { durationMs: number; fps: number }): void;
  /**
   * Calls `then` with the output of a stage named in `consumes` once it has settled (at once if it
   * has; null when it was skipped): for what a stage records from one it does not wait for. Not
   * called if the job fails first.
   */
  whenSettled<Result>(stage: AnyStage<Result>, then: (output: StageOutput<Result> | null) => void): void;
}

export interface StageDeclaration<Params = unknown, Result = unknown> {
  name: StageName;
  /**
   * Bump whenever the stage's output for the same params changes: the version is part of every
   * artifact key, so old artifacts stop matching instead of being trusted.
   */
  version: number;
  /** Shares of a job's progress: `plain` normally, `neural` when the job transcribes or translates with a model. */
  weight: { plain: number; neural: number };
  /** True for jobs the stage never runs for, known from the options alone (a download for a local
   * file): its share of the progress goes to the other stages. */
  skipsJob?(options: DubJobOptions): boolean;
  /** The stages whose outputs plan() reads (they run earlier). */
  consumes: readonly AnyStage[];
  /**
   * Of those, the ones this job must wait for before plan(), when fewer than all: a subtitle
   * import reads no speech regions, so it need not wait for the VAD and can run beside it.
   * plan() reading a stage it did not wait for, before that stage settled, is an error.
   */
  waitsFor?(options: DubJobOptions): readonly AnyStage[];
  /** The worker's params; null when the job does not need the stage (it is shown as skipped). */
  plan(context: PlanContext): Params | null;
  /**
   * Params (dotted paths, `[]` for every element of an array) left out of the artifact key, each
   * with the reason it does not change the output.
   */
  outputNeutral: Readonly<Record<string, string>>;
  /** What decides the output without being a param: an engine's revision, a model file's state. */
  keyExtras?(params: Params): unknown;
  /** Which pool runs it: a stage whose params name a model runs in the model pool. */
  placement(params: Params): Placement;
  /** The longest run() computes without awaiting (so without a heartbeat), where that can pass
   * the pool's 30 s heartbeat timeout: the watchdog waits that long for this stage instead. */
  quietMs?(params: Params): number;
  /** Runs in a worker process; files go into context.task.outDir. */
  run(params: Params, context: StageContext): Promise<Result>;
  /** Problems with what a run wrote (none: it holds what it should), checked before it is cached. */
  check?(params: Params, directory: string, result: Result): Promise<string[]> | string[];
  /** Problems found when a cached result is reused (files it names outside its own folder). */
  checkOnReuse?(result: Result): string[];
  /** Host-side, once the output exists (computed or reused): what the job records of it. */
  recorded?(output: StageOutput<Result>, context: RecordContext): void;
}

/** A declaration whatever its params: what lists of stages and the runner hold. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- params are each stage's own; the list only passes them through
export type AnyStage<Result = unknown> = StageDeclaration<any, Result>;

/** The result a declaration produces, for code that holds the declaration itself. */
export type ResultOf<Stage> = Stage extends StageDeclaration<infer _Params, infer Result> ? Result : never;

export const cpuPlacement: Placement = { pool: 'cpu' };

/** The model pool for a stage whose params name a model, the CPU pool otherwise. */
export function placementFor(model: unknown, engine: EngineKind): Placement {
  return model ? { pool: 'model', engine } : cpuPlacement;
}

export function resourceOf(placement: Placement): ResourceClass {
  return placement.pool;
}

/** Declares a stage with its types checked against each other (params in, result out). */
export function declareStage<Params, Result>(declaration: StageDeclaration<Params, Result>): StageDeclaration<Params, Result> {
  return declaration;
}
