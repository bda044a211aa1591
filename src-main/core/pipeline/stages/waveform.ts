// The waveform stages: min/max peaks of the original audio and of the dub's voice, at several zoom
// levels (core/media/peaks.ts), for the timeline to draw. The original's are made once per video;
// the dub's again after each render, as its voice changes.
import path from 'node:path';
import { readPeaksHeader, writePeaks } from '../../media/peaks.js';
import { layoutOrProblem, lengthMs } from '../output-checks.js';
import { cpuPlacement, declareStage, type AnyStage } from '../stage.js';
import { extractStage } from './extract.js';
import { mixStage } from './mix.js';
import { separateStage } from './separate.js';

export interface WaveformParams {
  wavPath: string;
}

export interface WaveformResult {
  peaksFile: string;
  sampleRate: number;
  durationMs: number;
}

const peaksFile = 'peaks.dat';

function waveformStage(name: string, consumes: AnyStage, source: (context: Parameters<AnyStage['plan']>[0]) => string | null, skipsJob?: AnyStage['skipsJob']) {
  return declareStage<WaveformParams, WaveformResult>({
    name,
    version: 1,
    weight: { plain: 1, neural: 1 },
    consumes: [consumes],
    ...(skipsJob ? { skipsJob } : {}),
    plan: (context) => {
      const wavPath = source(context);
      return wavPath ? { wavPath } : null;
    },
    outputNeutral: {},
    placement: () => cpuPlacement,
    async run(params, context) {
      const header = writePeaks(params.wavPath, path.join(context.task.outDir, peaksFile), (fraction) => context.reportProgress(fraction));
      return { peaksFile, sampleRate: header.sampleRate, durationMs: Math.round((header.frames * 1000) / header.sampleRate) };
    },
    check(params, directory, result) {
      const audio = layoutOrProblem(params.wavPath);
      if (typeof audio === 'string') return [audio];
      try {
        const header = readPeaksHeader(path.join(directory, result.peaksFile));
        return Math.abs((header.frames * 1000) / header.sampleRate - lengthMs(audio)) > 1 ? ['The peaks do not cover the whole audio.'] : [];
      } catch (error) {
        return [(error as Error).message];
      }
    },
  });
}

export const originalWaveformStage = waveformStage('waveform', extractStage, ({ output }) => {
  const extract = output(extractStage)!;
  return extract.file(extract.result.analysisFile);
});

/** The background separated from the voices, for its own lane; none when the job did not separate. */
export const backgroundWaveformStage = waveformStage(
  'background-waveform',
  separateStage,
  ({ output }) => {
    const separated = output(separateStage);
    return separated ? separated.file(separated.result.backgroundFile) : null;
  },
  (options) => options.separation === null,
);

export const dubWaveformStage = waveformStage('dub-waveform', mixStage, ({ output }) => {
  const mix = output(mixStage)!;
  return mix.file(mix.result.voiceFile);
});
