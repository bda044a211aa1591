// Stages that make the dub's speech: synthesize each cue, then fit each cue to its slot.
// Both keep one artifact per cue, keyed by that cue's own inputs, so editing one line of the
// translation re-synthesizes and re-fits that line only.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { RedubError } from '../../../shared/errors.js';
import { readWav, writeWav } from '../../media/wav.js';
import { resample } from '../../engines/audio/resample.js';
import { planCueFit, type CueFit } from '../../engines/fit/fit-plan.js';
import { timeScale } from '../../engines/fit/time-scale.js';
import { ArtifactCache, hashOf } from '../artifact-cache.js';
import type { ExecutionPreference } from '../../../shared/contract.js';
import type { SpeechSynthesizer } from '../../engines/tts/speech-synthesizer.js';
import type { StageContext, StageImplementation } from '../stage.js';

export const mixSampleRate = 48_000;

export interface SynthesizeParams {
  language: string;
  voice: string | null;
  cues: { index: number; text: string }[];
  /** Absent: eSpeak NG (params from before Piper existed). */
  engine?: 'espeak' | 'piper';
  /** Piper: the voice's `.onnx` (its `.onnx.json` beside it). */
  modelPath?: string | null;
  executionProvider?: ExecutionPreference;
}

export interface SynthesizedCue {
  index: number;
  key: string;
  file: string | null;
  speechMs: number;
  synthesized: boolean;
}

export interface SynthesizeResult {
  voice: string;
  cues: SynthesizedCue[];
  synthesizedCount: number;
}

export const synthesizeStage: StageImplementation<SynthesizeParams, SynthesizeResult> = {
  name: 'synthesize',
  async run(params, context) {
    const synthesizer = await loadSynthesizer(params, context);
    const voice = synthesizer.voiceFor(params.language, params.voice ?? undefined);
    context.log('info', synthesizer.id === 'piper' ? `Speaking ${params.language} with the Piper voice ${voice} (${params.modelPath}).` : `Speaking ${params.language} with the eSpeak NG voice ${voice}.`);
    const cache = new ArtifactCache(context.task.artifactsRoot);
    const cues: SynthesizedCue[] = [];
    let synthesizedCount = 0;
    for (const [position, cue] of params.cues.entries()) {
      const key = hashOf({ engine: synthesizer.id, version: synthesizer.version, voice, text: cue.text });
      const file = cache.itemPath(key, '.wav');
      let synthesized = false;
      if (!existsSync(file)) {
        const samples = await synthesizer.synthesize(cue.text, voice);
        writeItem(file, [samples], synthesizer.sampleRate);
        synthesized = true;
        synthesizedCount++;
      }
      const audio = readWav(file);
      const speechMs = Math.round(((audio.channels[0]?.length ?? 0) * 1000) / audio.sampleRate);
      cues.push({ index: cue.index, key, file: speechMs > 0 ? file : null, speechMs, synthesized });
      context.reportProgress((position + 1) / params.cues.length);
      // Yield between cues so heartbeats keep flowing during a long synthesis.
      await new Promise((resolve) => setImmediate(resolve));
    }
    context.log('info', `Synthesized ${synthesizedCount} of ${cues.length} cues with voice ${voice}; the rest were already cached.`);
    return { voice, cues, synthesizedCount };
  },
};

async function loadSynthesizer(params: SynthesizeParams, context: StageContext): Promise<SpeechSynthesizer> {
  if (params.engine === 'piper') {
    if (!params.modelPath) throw new RedubError('E_MODEL_MISSING', { message: 'The job names a Piper voice but not its model file.' });
    const piper = await context.engines.piperSynthesizer(params.modelPath, params.executionProvider ?? 'auto', (message) => context.log('warn', message));
    context.useExecutionProvider(piper.provider);
    return piper;
  }
  const espeak = await context.engines.speechSynthesizer();
  context.useExecutionProvider('cpu');
  return espeak;
}

export interface FitParams {
  maxSpeed: number;
  timelineEndMs: number;
  cues: { index: number; startMs: number; endMs: number; key: string; file: string | null; speechMs: number; text?: string }[];
  /**
   * A Piper voice speaks faster by itself: a cue to speed up is spoken again with the voice's
   * length scale (natural pacing), and only what is left is time-scaled. Absent for eSpeak NG.
   */
  piper?: { modelPath: string; voice: string; executionProvider?: ExecutionPreference };
}

export interface FittedCue extends CueFit {
  file: string | null;
}

export const fitStage: StageImplementation<FitParams, { cues: FittedCue[] }> = {
  name: 'fit',
  async run(params, context) {
    const plan = planCueFit(params.cues, { maxSpeed: params.maxSpeed, timelineEndMs: params.timelineEndMs });
    const byIndex = new Map(params.cues.map((cue) => [cue.index, cue]));
    const cache = new ArtifactCache(context.task.artifactsRoot);
    const cues: FittedCue[] = [];
    for (const [position, fit] of plan.entries()) {
      const source = byIndex.get(fit.index);
      let file: string | null = null;
      if (source?.file) {
        const respoken = params.piper && fit.speedFactor !== 1 && source.text ? params.piper : null;
        file = cache.itemPath(hashOf({ fitted: source.key, speed: fit.speedFactor, rate: mixSampleRate, ...(respoken ? { method: 'piper-length-scale' } : {}) }), '.wav');
        if (!existsSync(file)) {
          const audio = respoken ? await respeak(respoken, source.text!, fit.speedFactor, context) : readWav(source.file);
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
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { cues };
  },
};

/** The cue spoken again by the Piper voice at `speed` through its length scale. */
async function respeak(piper: NonNullable<FitParams['piper']>, text: string, speed: number, context: StageContext): Promise<{ channels: Float32Array[]; sampleRate: number }> {
  const synthesizer = await context.engines.piperSynthesizer(piper.modelPath, piper.executionProvider ?? 'auto', (message) => context.log('warn', message));
  context.useExecutionProvider(synthesizer.provider);
  return { channels: [await synthesizer.synthesize(text, piper.voice, { rate: speed })], sampleRate: synthesizer.sampleRate };
}

function writeItem(file: string, channels: Float32Array[], sampleRate: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeWav(file, channels, sampleRate);
}
