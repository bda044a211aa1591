import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../../src-main/core/engines/audio/resample.js';
import { EspeakSynthesizer } from '../../../src-main/core/engines/tts/espeak-synthesizer.js';
import { SileroVad } from '../../../src-main/core/engines/vad/silero-vad.js';
import type { SpeechRegion } from '../../../src-main/core/engines/vad/voice-activity-detector.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { noise } from './audio-helpers.js';

const rate = 16_000;
let vad: SileroVad;
/** Speech laid into 16 kHz low noise, with the true regions it was placed at. */
let scene: { samples: Float32Array; truth: SpeechRegion[] };

beforeAll(async () => {
  vad = await SileroVad.load();
  const espeak = await EspeakSynthesizer.load();
  const lines = ['Buenos días a todos.', 'El tren sale mañana por la tarde.', 'Gracias por venir.'];
  const startsMs = [1000, 5000, 10_500];
  const samples = noise(14 * rate, 0.002);
  const truth: SpeechRegion[] = [];
  for (const [index, line] of lines.entries()) {
    const speech = await resample(await espeak.synthesize(line, espeak.voiceFor('es')), espeak.sampleRate, rate);
    const offset = (startsMs[index]! * rate) / 1000;
    for (let sample = 0; sample < speech.length; sample++) samples[offset + sample]! += speech[sample]!;
    truth.push({ startMs: startsMs[index]!, endMs: startsMs[index]! + Math.round((speech.length * 1000) / rate) });
  }
  scene = { samples, truth };
});

afterAll(async () => {
  await vad?.dispose();
});

describe('SileroVad', () => {
  it('finds each spoken line where it was placed, within 150 ms', async () => {
    const regions = await vad.detect(scene.samples, { padMs: 0 });
    expect(regions).toHaveLength(scene.truth.length);
    regions.forEach((region, index) => {
      expect(Math.abs(region.startMs - scene.truth[index]!.startMs)).toBeLessThanOrEqual(150);
      expect(Math.abs(region.endMs - scene.truth[index]!.endMs)).toBeLessThanOrEqual(150);
    });
  });

  it('pads regions by padMs and reports progress up to 1', async () => {
    const progress: number[] = [];
    const regions = await vad.detect(scene.samples, {}, (fraction) => progress.push(fraction));
    expect(regions).toHaveLength(scene.truth.length);
    regions.forEach((region, index) => {
      expect(region.startMs).toBeLessThanOrEqual(scene.truth[index]!.startMs + 150);
      expect(region.startMs).toBeGreaterThanOrEqual(scene.truth[index]!.startMs - 80 - 150);
    });
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((value, index) => index === 0 || value >= progress[index - 1]!)).toBe(true);
  });

  it('finds no speech in silence or low noise', async () => {
    expect(await vad.detect(new Float32Array(5 * rate))).toEqual([]);
    expect(await vad.detect(noise(5 * rate, 0.003, 7))).toEqual([]);
  });

  it('says what it is, for the artifact cache', () => {
    expect(vad.id).toBe('silero-vad-v5');
    expect(vad.executionProvider).toBe('cpu');
    expect(vad.version).toMatch(/^\d+\+[0-9a-f]{12}\+ort-/);
  });
});

describe('SileroVad.load', () => {
  const temporary = useTemporaryDirectory();

  it('explains a missing model file and how to get it back', async () => {
    const missing = `${temporary()}/silero_vad_16k_op15.onnx`;
    const failure = await SileroVad.load({ weightsPath: missing }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'E_VAD_FAILED' });
    const details = (failure as { details: string[] }).details.join(' ');
    expect(details).toContain(missing);
    expect(details).toContain('npm install');
  });
});
