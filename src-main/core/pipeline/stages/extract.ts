// The extract stage: one decode of the input's audio into the two WAVs later stages read
// (16 kHz mono for analysis, 48 kHz stereo for the mix).
import path from 'node:path';
import { extractAudio } from '../../media/extract.js';
import { layoutOrProblem, lengthMs, wavProblems, durationToleranceMs } from '../output-checks.js';
import { cpuPlacement, declareStage } from '../stage.js';
import { inputPathIsNeutral, probeStage } from './probe.js';
import { downloadStage, inputFingerprintOf } from './download.js';

export interface ExtractParams {
  inputPath: string;
  inputFingerprint: string;
  audioIndex: number;
  durationMs: number;
}

export interface ExtractResult {
  analysisFile: string;
  mixFile: string;
}

export const extractStage = declareStage<ExtractParams, ExtractResult>({
  name: 'extract',
  version: 1,
  weight: { plain: 10, neural: 6 },
  consumes: [downloadStage, probeStage],
  plan(context) {
    const media = context.output(probeStage)!.result;
    return { inputPath: context.options.inputPath, inputFingerprint: inputFingerprintOf(context), audioIndex: media.audio.index, durationMs: media.durationMs };
  },
  outputNeutral: { inputPath: inputPathIsNeutral },
  placement: () => cpuPlacement,
  async run(params, context) {
    const { analysisPath, mixPath } = await extractAudio(params.inputPath, params.audioIndex, context.task.outDir, {
      durationMs: params.durationMs,
      onProgress: (fraction) => context.reportProgress(fraction),
    });
    return { analysisFile: path.basename(analysisPath), mixFile: path.basename(mixPath) };
  },
  check(params, directory, result) {
    // Both come from one decode, so they last as long as each other; the audio may end before
    // the video does, but never after it.
    const analysis = layoutOrProblem(path.join(directory, result.analysisFile));
    if (typeof analysis === 'string') return [analysis];
    const durationMs = lengthMs(analysis);
    const problems = wavProblems(path.join(directory, result.analysisFile), { sampleRate: 16_000, channels: 1, durationMs, toleranceMs: 1 });
    problems.push(...wavProblems(path.join(directory, result.mixFile), { sampleRate: 48_000, channels: 2, durationMs, toleranceMs: 50 }));
    if (durationMs <= 0 || durationMs > params.durationMs + durationToleranceMs) problems.push(`The audio lasts ${Math.round(durationMs)} ms, for a video of ${params.durationMs} ms.`);
    return problems;
  },
});
