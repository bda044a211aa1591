import { beforeAll, describe, expect, it } from 'vitest';
import { trimSilence } from '../../../src-main/core/engines/audio/trim-silence.js';
import { EspeakSynthesizer } from '../../../src-main/core/engines/tts/espeak-synthesizer.js';
import { RedubError } from '../../../src-main/shared/errors.js';
import { rms } from './audio-helpers.js';

let espeak: EspeakSynthesizer;
beforeAll(async () => {
  espeak = await EspeakSynthesizer.load();
});

describe('EspeakSynthesizer.voiceFor', () => {
  it.each([
    ['es', 'roa/es'],
    ['es-MX', 'roa/es-419'],
    ['pt-BR', 'roa/pt-BR'],
    ['pt', 'roa/pt'],
    ['en', 'gmw/en'],
    ['en-US', 'gmw/en-US'],
    ['fr', 'roa/fr'],
    ['de', 'gmw/de'],
    ['zh', 'sit/cmn'],
    ['es-AR', 'roa/es'],
    ['DE_at', 'gmw/de'],
  ])('maps %s to %s', (language, voice) => {
    expect(espeak.voiceFor(language)).toBe(voice);
  });

  it('refuses a language eSpeak has no voice for, naming the code', () => {
    const failure = catchError(() => espeak.voiceFor('xx-YY'));
    expect(failure).toBeInstanceOf(RedubError);
    expect(failure).toMatchObject({ code: 'E_LANGUAGE_UNSUPPORTED' });
    expect((failure as RedubError).details.join(' ')).toContain('xx-YY');
  });

  it('accepts an override that names a real voice, and refuses one that does not', () => {
    expect(espeak.voiceFor('es', 'roa/es-419')).toBe('roa/es-419');
    expect(espeak.voiceFor('es', 'es-419')).toBe('roa/es-419');
    const failure = catchError(() => espeak.voiceFor('es', 'robot-voice'));
    expect(failure).toMatchObject({ code: 'E_LANGUAGE_UNSUPPORTED' });
    expect((failure as RedubError).details.join(' ')).toContain('robot-voice');
  });
});

describe('EspeakSynthesizer.synthesize', () => {
  it('speaks a Spanish sentence with a plausible duration and level', async () => {
    const speech = await espeak.synthesize('Hola, ¿cómo estás? Esta es una prueba de síntesis de voz.', espeak.voiceFor('es'));
    const seconds = speech.length / espeak.sampleRate;
    expect(espeak.sampleRate).toBe(22_050);
    expect(seconds).toBeGreaterThan(0.5);
    expect(seconds).toBeLessThan(10);
    expect(rms(speech)).toBeGreaterThan(0.02);
  });

  it('speaks faster at a higher rate', async () => {
    const text = 'Esta frase se dice dos veces a distinta velocidad.';
    const normal = await espeak.synthesize(text, 'roa/es');
    const faster = await espeak.synthesize(text, 'roa/es', { rate: 1.5 });
    expect(faster.length).toBeLessThan(normal.length * 0.85);
  });

  it('returns nothing for empty or blank text', async () => {
    expect((await espeak.synthesize('', 'roa/es')).length).toBe(0);
    expect((await espeak.synthesize('  \n\t', 'roa/es')).length).toBe(0);
  });

  it('speaks markup characters instead of failing on them', async () => {
    expect((await espeak.synthesize('a < b & c > d', 'gmw/en')).length).toBeGreaterThan(0);
  });

  it('refuses a voice that does not exist', async () => {
    await expect(espeak.synthesize('hola', 'nope/zz')).rejects.toMatchObject({ code: 'E_LANGUAGE_UNSUPPORTED' });
  });

  it('keeps the worker warm: a second load returns the same loaded engine', async () => {
    const again = await EspeakSynthesizer.load();
    expect(again).toBe(espeak);
    expect(again.voiceFor('de')).toBe('gmw/de');
  });
});

describe('trimSilence', () => {
  it('drops quiet lead-in and tail but keeps the sound', () => {
    const clip = new Float32Array(22_050 * 2);
    clip.fill(0.0001, 0, 22_050); // −80 dBFS hiss
    for (let index = 22_050; index < 33_075; index++) clip[index] = 0.3 * Math.sin(index / 5);
    const trimmed = trimSilence(clip, 22_050);
    expect(trimmed.length).toBeGreaterThan(11_025);
    expect(trimmed.length).toBeLessThan(11_025 + 4 * 221);
  });

  it('returns an empty clip for silence', () => {
    expect(trimSilence(new Float32Array(1000), 22_050).length).toBe(0);
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
