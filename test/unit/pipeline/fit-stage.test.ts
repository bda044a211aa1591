// The fit stage with a Piper voice: a cue that must be sped up is spoken again with the voice's
// length scale, and only the rest is time-scaled, so the placed length is what the plan said.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWav, writeWav } from '../../../src-main/core/media/wav.js';
import { EngineCache } from '../../../src-main/core/pipeline/engine-cache.js';
import type { StageContext } from '../../../src-main/core/pipeline/stage.js';
import { fitStage, mixSampleRate, type FitParams } from '../../../src-main/core/pipeline/stages/fit.js';
import { loadSynthesizer } from '../../../src-main/core/pipeline/stages/synthesize.js';
import type { PiperSynthesizer } from '../../../src-main/core/engines/tts/piper-synthesizer.js';
import { tinySampleRate, writeTinyPiperVoice } from '../../fixtures/onnx/tiny-piper.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

/** An engine cache whose Piper voices record the rates they were asked to speak at. */
function recordingEngines(rates: number[]): EngineCache {
  const engines = new EngineCache();
  const warm = engines.warm.bind(engines);
  engines.warm = (async (key: string, load: (log: (message: string) => void) => Promise<unknown>, log?: (message: string) => void) => {
    const engine = await warm(key, load, log);
    if (!key.startsWith('piper')) return engine;
    const piper = engine as PiperSynthesizer;
    const synthesize = piper.synthesize.bind(piper);
    return Object.assign(Object.create(piper) as PiperSynthesizer, {
      synthesize: (text: string, voice: string, options?: { rate?: number }) => {
        rates.push(options?.rate ?? 1);
        return synthesize(text, voice, options);
      },
    });
  }) as EngineCache['warm'];
  return engines;
}

function context(dir: string, engines: EngineCache): StageContext {
  return {
    task: { taskId: 't', stage: 'fit', params: null, outDir: dir, artifactsRoot: path.join(dir, 'artifacts') },
    engines,
    reportProgress: () => undefined,
    log: () => undefined,
    useExecutionProvider: () => undefined,
  };
}

describe('fit stage with a Piper voice', { timeout: 60_000 }, () => {
  const temporary = useTemporaryDirectory('redub-fit-stage-');

  it('speeds a cue up through the length scale, then time-scales what is left to the planned length', async () => {
    const dir = temporary();
    const voice = writeTinyPiperVoice(path.join(dir, 'voice'));
    const rates: number[] = [];
    const engines = recordingEngines(rates);
    const piper = (await loadSynthesizer(engines, { packId: null, modelPath: voice.onnxPath }, 'cpu', { log: () => undefined, useExecutionProvider: () => undefined })) as PiperSynthesizer;
    const text = 'hola buenos días a todos los que escuchan';
    const speech = await piper.synthesize(text, piper.voice);
    rates.length = 0;
    const speechFile = path.join(dir, 'speech.wav');
    writeWav(speechFile, [speech], tinySampleRate);
    const speechMs = Math.round((speech.length * 1000) / tinySampleRate);
    // A slot 20 % shorter than the speech, with no silence after it to borrow.
    const slotMs = Math.round(speechMs / 1.2);
    const params: FitParams = {
      maxSpeed: 1.35,
      timelineEndMs: slotMs,
      cues: [{ index: 0, startMs: 0, endMs: slotMs, key: 'cue-0', file: speechFile, speechMs, text }],
      respeak: { model: { packId: null, modelPath: voice.onnxPath }, voice: piper.voice, executionProvider: 'cpu' },
    };
    const { cues } = await fitStage.run(params, context(dir, engines));
    const fitted = cues[0]!;
    expect(fitted.speedFactor).toBeCloseTo(speechMs / slotMs, 2);
    expect(rates).toEqual([fitted.speedFactor]);
    const audio = readWav(fitted.file!);
    expect(audio.sampleRate).toBe(mixSampleRate);
    const placedMs = (audio.channels[0]!.length * 1000) / mixSampleRate;
    expect(Math.abs(placedMs - speechMs / fitted.speedFactor)).toBeLessThan(15);

    // The same fit again comes from the cache: nothing is spoken a second time.
    await fitStage.run(params, context(dir, engines));
    expect(rates).toHaveLength(1);
  });
});
