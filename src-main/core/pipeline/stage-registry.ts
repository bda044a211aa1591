// Every stage a worker can run, by name. Only worker processes import this: it pulls in the
// engines, which the main process never loads.
import type { StageName } from '../../shared/jobs.js';
import type { StageImplementation } from './stage.js';
import { extractStage, probeStage } from './stages/media-stages.js';
import { mixStage } from './stages/mix-stage.js';
import { exportStage } from './stages/output-stages.js';
import { fitStage, synthesizeStage } from './stages/speech-stages.js';
import { transcribeStage, translateStage, vadStage } from './stages/text-stages.js';

// Params arrive as JSON from the host; each stage trusts its own host-side planner for their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const stageRegistry: Record<StageName, StageImplementation<any, unknown>> = {
  probe: probeStage,
  extract: extractStage,
  vad: vadStage,
  transcribe: transcribeStage,
  translate: translateStage,
  synthesize: synthesizeStage,
  fit: fitStage,
  mix: mixStage,
  export: exportStage,
};
