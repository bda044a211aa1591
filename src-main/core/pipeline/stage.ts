// What a stage is: a named, versioned step that runs inside a worker process on plain-JSON
// params and returns a plain-JSON result; its files go into the folder the host gave it.
import type { ResourceClass, StageName } from '../../shared/jobs.js';
import type { StageTask } from '../worker-host/protocol.js';
import type { EngineCache } from './engine-cache.js';

export interface StageContext {
  task: StageTask;
  engines: EngineCache;
  reportProgress(fraction: number): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Records which execution provider (cpu, cuda, …) produced the result. */
  useExecutionProvider(provider: string): void;
}

export interface StageImplementation<Params = never, Result = unknown> {
  name: StageName;
  run(params: Params, context: StageContext): Promise<Result>;
}

/**
 * Bump a stage's version whenever its output for the same inputs changes: the version is part
 * of every artifact key, so old artifacts stop matching instead of being trusted.
 */
export const stageVersions: Record<StageName, number> = {
  probe: 1,
  extract: 1,
  vad: 1,
  transcribe: 1,
  translate: 2,
  synthesize: 1,
  fit: 2,
  mix: 1,
  export: 1,
};

/**
 * The pool for a stage that holds a neural model (Whisper, a translator, a Piper voice): the model
 * pool (the 'gpu' resource class), one worker by default (SPEC §2: GPU stages run one at a time).
 * On a GPU that keeps two jobs from loading models onto one card at once; on a CPU it keeps one
 * warm copy of each model instead of one per CPU worker (a Whisper and an NLLB per core would
 * exhaust memory), and ONNX Runtime already spreads one run over every core.
 */
export const modelStageResource: ResourceClass = 'gpu';

/** The pool a stage runs in by default; stages running a model pass modelStageResource instead. */
export const stageResources: Record<StageName, ResourceClass> = {
  probe: 'cpu',
  extract: 'cpu',
  vad: 'cpu',
  transcribe: 'cpu',
  translate: 'cpu',
  synthesize: 'cpu',
  fit: 'cpu',
  mix: 'cpu',
  export: 'cpu',
};
