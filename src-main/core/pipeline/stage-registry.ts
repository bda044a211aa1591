// The dub pipeline: every stage, in the order a job runs them. Adding a stage is its declaration
// in stages/ and one line here; the runner, the worker, the progress weights, the stage table and
// the artifact keys all follow from the declarations.
import type { AnyStage } from './stage.js';
import { downloadStage } from './stages/download.js';
import { exportStage } from './stages/export.js';
import { extractStage } from './stages/extract.js';
import { fitStage } from './stages/fit.js';
import { lipSyncAudioStage } from './stages/lipsync-audio.js';
import { mixStage } from './stages/mix.js';
import { lipSyncStage } from './stages/lipsync.js';
import { probeStage } from './stages/probe.js';
import { synthesizeStage } from './stages/synthesize.js';
import { editStage } from './stages/edit.js';
import { transcribeStage } from './stages/transcribe.js';
import { translateStage } from './stages/translate.js';
import { vadStage } from './stages/vad.js';
import { backgroundWaveformStage, dubWaveformStage, originalWaveformStage } from './stages/waveform.js';
import { separateStage } from './stages/separate.js';
import { diarizeStage } from './stages/diarize.js';

export const dubStages: readonly AnyStage[] = [
  downloadStage,
  probeStage,
  extractStage,
  separateStage,
  diarizeStage,
  vadStage,
  transcribeStage,
  translateStage,
  editStage,
  synthesizeStage,
  fitStage,
  lipSyncAudioStage,
  mixStage,
  lipSyncStage,
  exportStage,
  originalWaveformStage,
  backgroundWaveformStage,
  dubWaveformStage,
];

export const dubStageNames: readonly string[] = dubStages.map((stage) => stage.name);

/** Checks a list of stages can run in order: unique names, each after the stages it consumes. */
export function assertRunnable(stages: readonly AnyStage[]): void {
  const seen = new Set<string>();
  for (const stage of stages) {
    if (seen.has(stage.name)) throw new Error(`Two stages are called "${stage.name}".`);
    const missing = stage.consumes.filter((consumed) => !seen.has(consumed.name));
    if (missing.length > 0) throw new Error(`Stage "${stage.name}" consumes ${missing.map((consumed) => `"${consumed.name}"`).join(', ')}, which must come before it.`);
    seen.add(stage.name);
  }
}

/** The declaration a worker runs for a task's stage name. */
export function stageNamed(stages: readonly AnyStage[], name: string): AnyStage {
  const stage = stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`No stage is called "${name}".`);
  return stage;
}
