// Stages that read the input video: probe it and pull its audio out in the two forms the
// pipeline uses (16 kHz mono for analysis, 48 kHz stereo for the mix).
import path from 'node:path';
import { extractAudio } from '../../media/extract.js';
import { probeMedia, type MediaInfo } from '../../media/probe.js';
import type { StageImplementation } from '../stage.js';

export interface ProbeParams {
  inputPath: string;
  limits: { maxBytes?: number; maxDurationMs?: number };
}

export const probeStage: StageImplementation<ProbeParams, MediaInfo> = {
  name: 'probe',
  run: (params) => probeMedia(params.inputPath, params.limits),
};

export interface ExtractParams {
  inputPath: string;
  audioIndex: number;
  durationMs: number;
}

export interface ExtractResult {
  analysisFile: string;
  mixFile: string;
}

export const extractStage: StageImplementation<ExtractParams, ExtractResult> = {
  name: 'extract',
  async run(params, context) {
    const { analysisPath, mixPath } = await extractAudio(params.inputPath, params.audioIndex, context.task.outDir, {
      durationMs: params.durationMs,
      onProgress: (fraction) => context.reportProgress(fraction),
    });
    return { analysisFile: path.basename(analysisPath), mixFile: path.basename(mixPath) };
  },
};
