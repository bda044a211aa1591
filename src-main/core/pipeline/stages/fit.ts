// The fit stage: each cue's speech fitted to its slot — sped up within the bound, borrowing the
// silence after it, flagged when even that is not enough. Each fitted cue is an item of its own,
// so editing one line re-fits that line only. With a Piper voice, a cue to speed up is spoken
// again at that rate by the voice itself, and only the rest is time-scaled.
import { existsSync } from 'node:fs';
import type { ExecutionPreference } from '../../../shared/contract.js';
import { resample } from '../../engines/audio/resample.js';
import { planCueFit, type CueFit } from '../../engines/fit/fit-plan.js';
import { timeScale } from '../../engines/fit/time-scale.js';
import { readWav } from '../../media/wav.js';
import { letHeartbeatsThrough } from '../heartbeats.js';
import { ArtifactCache, hashOf } from '../artifact-cache.js';
import { speechOf } from '../dub-options.js';
import { itemProblems } from '../output-checks.js';
import { declareStage, placementFor, type StageContext } from '../stage.js';
import { probeStage } from './probe.js';
import { loadSynthesizer, synthesizeStage, voiceModelOf, writeItem, type VoiceModel } from './synthesize.js';
import { editStage } from './edit.js';
import { providerIsNeutral } from './vad.js';

export const mixSampleRate = 48_000;

export interface FitParams {
  maxSpeed: number;
  timelineEndMs: number;
  cues: { index: number; startMs: number; endMs: number; key: string; file: string | null; speechMs: number; text: string }[];
  /** The neural voice that speaks a cue again faster; null for eSpeak NG (time-scaling only). */
  respeak: { model: VoiceModel; voice: string; executionProvider: ExecutionPreference } | null;
}

export interface FittedCue extends CueFit {
  file: string | null;
}

export const fitStage = declareStage<FitParams, { cues: FittedCue[] }>({
  name: 'fit',
  version: 2,
  weight: { plain: 12, neural: 8 },
  consumes: [probeStage, editStage, synthesizeStage],
  plan({ options, output }) {
    const synthesize = output(synthesizeStage)!;
    const timing = new Map(output(editStage)!.result.cues.map((cue) => [cue.index, cue]));
    const model = voiceModelOf(speechOf(options));
    return {
      maxSpeed: options.maxSpeed,
      timelineEndMs: output(probeStage)!.result.durationMs,
      cues: synthesize.result.cues.map((cue) => {
        const slot = timing.get(cue.index)!;
        return { ...cue, startMs: slot.startMs, endMs: slot.endMs, text: slot.targetText };
      }),
      respeak: model ? { model, voice: synthesize.result.voice, executionProvider: options.executionProvider } : null,
    };
  },
  outputNeutral: {
    'respeak.executionProvider': providerIsNeutral,
    // Whether a cue was synthesized just now or found cached says nothing about its sound.
    'cues[].synthesized': 'Whether a cue was synthesized now or found cached does not change its speech.',
  },
  placement: (params) => placementFor(params.respeak, 'tts'),
  async run(params, context) {
    const plan = planCueFit(params.cues, { maxSpeed: params.maxSpeed, timelineEndMs: params.timelineEndMs });
    const byIndex = new Map(params.cues.map((cue) => [cue.index, cue]));
    const cache = new ArtifactCache(context.task.artifactsRoot);
    const cues: FittedCue[] = [];
    for (const [position, fit] of plan.entries()) {
      const source = byIndex.get(fit.index);
      let file: string | null = null;
      if (source?.file) {
        const respoken = params.respeak && fit.speedFactor !== 1 && source.text ? params.respeak : null;
        file = cache.itemPath(hashOf({ fitted: source.key, speed: fit.speedFactor, rate: mixSampleRate, ...(respoken ? { method: 'piper-length-scale' } : {}) }), '.wav');
        if (!existsSync(file)) {
          const audio = respoken ? await respeak(respoken, source.text, fit.speedFactor, context) : readWav(source.file);
          // The plan placed the cue for speechMs / speed: whatever speed the voice did not reach,
          // time-scaling supplies (a length scale is a hint to the model, not an exact duration).
          const targetSamples = Math.round(((source.speechMs / fit.speedFactor) * audio.sampleRate) / 1000);
          const samples = audio.channels[0]!;
          const residual = respoken ? samples.length / Math.max(1, targetSamples) : fit.speedFactor;
          const scaled = Math.abs(residual - 1) < 0.005 ? samples : await timeScale(samples, audio.sampleRate, residual);
          writeItem(file, [await resample(scaled, audio.sampleRate, mixSampleRate)], mixSampleRate);
        }
      }
      if (fit.flag === 'overflow') context.log('warn', `Cue ${fit.index + 1} does not fit its slot even at ${fit.speedFactor}×; shorten its text. Its end fades out.`);
      cues.push({ ...fit, file });
      context.reportProgress((position + 1) / plan.length);
      await letHeartbeatsThrough();
    }
    return { cues };
  },
  check: (_params, _directory, result) => itemProblems(result.cues),
  checkOnReuse: (result) => itemProblems(result.cues),
  recorded({ result }, context) {
    context.updateCues(result.cues.map((cue) => ({ index: cue.index, speedFactor: cue.speedFactor, placedStartMs: cue.placedStartMs, placedEndMs: cue.placedEndMs, flag: cue.flag })));
  },
});

/** The cue spoken again by the Piper voice at `speed` through its length scale. */
async function respeak(piper: NonNullable<FitParams['respeak']>, text: string, speed: number, context: StageContext): Promise<{ channels: Float32Array[]; sampleRate: number }> {
  const synthesizer = await loadSynthesizer(context.engines, piper.model, piper.executionProvider, context);
  return { channels: [await synthesizer.synthesize(text, piper.voice, { rate: speed })], sampleRate: synthesizer.sampleRate };
}
