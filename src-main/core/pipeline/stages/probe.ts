// The probe stage: what the input holds (streams, duration, fps, size), and a refusal, with its
// own error code, of anything that cannot be dubbed.
import { probeMedia, type MediaInfo } from '../../media/probe.js';
import { cpuPlacement, declareStage } from '../stage.js';
import { downloadStage, inputFingerprintOf } from './download.js';

export interface ProbeParams {
  inputPath: string;
  inputFingerprint: string;
  limits: { maxBytes?: number; maxDurationMs?: number };
}

export const inputPathIsNeutral = 'The fingerprint (size, time, first and last MiB) stands for the file: the same video moved or renamed reuses its artifacts.';

export const probeStage = declareStage<ProbeParams, MediaInfo>({
  name: 'probe',
  version: 1,
  weight: { plain: 2, neural: 2 },
  consumes: [downloadStage],
  plan: (context) => ({ inputPath: context.options.inputPath, inputFingerprint: inputFingerprintOf(context), limits: context.options.limits }),
  outputNeutral: { inputPath: inputPathIsNeutral },
  placement: () => cpuPlacement,
  run: (params) => probeMedia(params.inputPath, params.limits),
  // The bounds of every cue edit and the frames timeline edges snap to.
  recorded: ({ result }, context) => context.recordMedia({ durationMs: result.durationMs, fps: result.video.fps }),
});
