// The separate stage: the original audio split into the voices and everything else (music,
// effects, room) by an MDX-Net model, so the mix can lay the dub over the background instead of
// ducking the original speaker under it. The model hears 44.1 kHz stereo; the stems come back at
// the original's own rate and length, sample for sample, for the mix and the stems export.
// Skipped when no separation pack is installed or the user turned it off: the mix ducks then.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { ExecutionPreference } from '../../../shared/contract.js';
import { runFfmpeg } from '../../media/run-ffmpeg.js';
import { pcm16Frames, readWavLayout } from '../../media/wav.js';
import type { PackModel } from '../dub-options.js';
import { letHeartbeatsThrough } from '../heartbeats.js';
import { fileState } from '../model-state.js';
import { engineRevisions } from '../../engines/revisions.js';
import { layoutOrProblem, lengthMs, wavProblems } from '../output-checks.js';
import { declareStage, placementFor } from '../stage.js';
import { extractStage } from './extract.js';
import { providerIsNeutral } from './vad.js';

export interface SeparateParams {
  originalPath: string;
  model: PackModel;
  executionProvider: ExecutionPreference;
}

export interface SeparateResult {
  vocalsFile: string;
  backgroundFile: string;
  packId: string;
}

const vocalsFile = 'vocals.wav';
const backgroundFile = 'background.wav';

export const separateStage = declareStage<SeparateParams, SeparateResult>({
  name: 'separate',
  version: 1,
  weight: { plain: 20, neural: 15 },
  skipsJob: (options) => options.separation === null,
  consumes: [extractStage],
  plan({ options, output }) {
    if (!options.separation) return null;
    const extract = output(extractStage)!;
    return { originalPath: extract.file(extract.result.mixFile), model: options.separation, executionProvider: options.executionProvider };
  },
  outputNeutral: { executionProvider: providerIsNeutral },
  keyExtras: (params) => ({ engine: engineRevisions['mdx-net'], model: fileState(params.model.modelPath) }),
  placement: () => placementFor(true, 'separation'),
  // One chunk of a real model on a slow CPU runs for seconds; the engine lets heartbeats through between chunks.
  quietMs: () => 120_000,
  async run(params, context) {
    const { MdxNetSeparator, mdxNetParameters, mdxNetSampleRate } = await import('../../engines/separation/mdx-net-separator.js');
    const parameters = mdxNetParameters(params.model.parameters, params.model.packId);
    const separator = await context.engines.warmModel(
      'separation',
      params.executionProvider,
      params.model.modelPath,
      (log) => MdxNetSeparator.load(params.model.modelPath, parameters, { preference: params.executionProvider, log, packId: params.model.packId }),
      (message) => context.log('warn', message),
    );
    context.useExecutionProvider(separator.executionProvider);
    const original = readWavLayout(params.originalPath);
    const frames = pcm16Frames(original);
    const outDir = context.task.outDir;
    const model = { input: path.join(outDir, 'model-input.wav'), vocals: path.join(outDir, 'model-vocals.wav'), background: path.join(outDir, 'model-background.wav') };
    const durationMs = Math.round((frames * 1000) / original.sampleRate);
    try {
      // ffmpeg resamples both ways: the model's rate in, the original's rate and length out.
      await runFfmpeg(['-y', '-i', params.originalPath, '-ac', '2', '-ar', String(mdxNetSampleRate), '-c:a', 'pcm_s16le', '-bitexact', '-f', 'wav', model.input], { durationMs, onProgress: (fraction) => context.reportProgress(0.05 * fraction) });
      await separator.separateFile(model.input, model, { onProgress: (fraction) => context.reportProgress(0.05 + 0.85 * fraction), pause: letHeartbeatsThrough });
      await rm(model.input, { force: true });
      // Padded or trimmed to the original's exact frame count: resampling may round a frame either way.
      const back = (input: number, to: string) => ['-map', `${input}:a`, '-af', `aresample=${original.sampleRate},apad=whole_len=${frames},atrim=end_sample=${frames}`, '-ac', String(original.channelCount), '-c:a', 'pcm_s16le', '-bitexact', '-f', 'wav', to];
      await runFfmpeg(['-y', '-i', model.vocals, '-i', model.background, ...back(0, path.join(outDir, vocalsFile)), ...back(1, path.join(outDir, backgroundFile))], {
        durationMs,
        onProgress: (fraction) => context.reportProgress(0.9 + 0.1 * fraction),
      });
    } finally {
      await Promise.all(Object.values(model).map((file) => rm(file, { force: true })));
    }
    context.log('info', `Split the original into voices and background with ${params.model.packId} on ${separator.executionProvider}.`);
    return { vocalsFile, backgroundFile, packId: params.model.packId };
  },
  check(params, directory, result) {
    // The mix lays the dub over the background sample for sample: any difference is a drift.
    const original = layoutOrProblem(params.originalPath);
    if (typeof original === 'string') return [original];
    const expected = { sampleRate: original.sampleRate, channels: original.channelCount, durationMs: lengthMs(original), toleranceMs: 1 };
    return [...wavProblems(path.join(directory, result.vocalsFile), expected), ...wavProblems(path.join(directory, result.backgroundFile), expected)];
  },
  recorded(output, context) {
    context.log('info', `The dub lies over the background that ${output.result.packId} separated from the original voices (no ducking).`);
  },
});
