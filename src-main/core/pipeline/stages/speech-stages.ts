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
  cues: { index: number; startMs: number; endMs: number; key: string; file: string | null; speechMs: number }[];
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
        file = cache.itemPath(hashOf({ fitted: source.key, speed: fit.speedFactor, rate: mixSampleRate }), '.wav');
        if (!existsSync(file)) {
          const audio = readWav(source.file);
          const scaled = await timeScale(audio.channels[0]!, audio.sampleRate, fit.speedFactor);
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

function writeItem(file: string, channels: Float32Array[], sampleRate: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeWav(file, channels, sampleRate);
}
