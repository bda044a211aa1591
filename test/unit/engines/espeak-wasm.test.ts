import { describe, expect, it } from 'vitest';
import { EspeakModule, wavSamples } from '../../../src-main/core/engines/tts/espeak-module.js';
import { EspeakWasm } from '../../../src-main/core/engines/tts/espeak-wasm.js';
import { espeakVariants } from '../../../src-main/core/engines/tts/espeak-voices.js';

const line = { identifier: 'roa/es', text: 'Hola mundo, esto es una prueba.', wordsPerMinute: 175, pitch: 50 };

function same(left: Int16Array, right: Int16Array): boolean {
  return left.length === right.length && left.every((sample, index) => sample === right[index]);
}

function loudness(samples: Int16Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

describe('eSpeak NG as WebAssembly, each run from a fresh start', () => {
  it('speaks a line the same whatever was spoken before it, and in another instance (another process)', async () => {
    const first = await EspeakModule.load();
    const alone = await first.speak(line);
    expect(alone.length).toBeGreaterThan(20_000);
    expect(loudness(alone)).toBeGreaterThan(500);
    await first.speak({ ...line, identifier: 'gmw/en', text: 'Something else entirely, said faster.', wordsPerMinute: 300 });
    expect(same(await first.speak(line), alone)).toBe(true);
    // f3 draws on eSpeak NG's random generator, seeded from the clock: the same here as anywhere.
    const random = { ...line, identifier: 'roa/es+f3' };
    const second = await EspeakModule.load();
    expect(same(await second.speak(random), await first.speak(random))).toBe(true);
  });

  it('leaves its embedded voice data as it found it, and hands a run nothing an earlier run wrote', async () => {
    const wasm = await EspeakWasm.load();
    const spoken = wasm.run(['-v', 'roa/es', '-w', '/redub/speech.wav', 'Hola.'], {}, ['/redub/speech.wav']);
    expect(spoken.exitCode).toBe(0);
    expect(spoken.files['/redub/speech.wav']!.length).toBeGreaterThan(1000);
    const silent = wasm.run(['-q', '-v', 'roa/es', 'Hola.'], {}, ['/redub/speech.wav']);
    expect(silent.exitCode).toBe(0);
    expect(silent.files['/redub/speech.wav']).toBeNull();
  });

  it('speaks text that looks like options or markup as text', async () => {
    const module = await EspeakModule.load();
    for (const text of ['-v en --help', '<speak>uno</speak> & dos', 'línea uno\nlínea dos']) {
      const samples = await module.speak({ ...line, text });
      expect(samples.length, text).toBeGreaterThan(5_000);
    }
    expect(await module.phonemize('roa/es', '-h')).toEqual({ code: 0, ipa: expect.stringMatching(/\S/) });
  });

  it('refuses an unknown voice with eSpeak NG’s own words, and keeps serving', async () => {
    const module = await EspeakModule.load();
    await expect(module.speak({ ...line, identifier: 'nope/zz' })).rejects.toThrow('eSpeak NG could not speak with the voice nope/zz (exit status 1): Error: The specified espeak-ng voice does not exist.');
    expect((await module.speak(line)).length).toBeGreaterThan(20_000);
  });

  it('gives every variant it names its own voice', async () => {
    const module = await EspeakModule.load();
    const plain = await module.speak(line);
    for (const variant of espeakVariants) {
      const samples = await module.speak({ ...line, identifier: `roa/es+${variant}` });
      expect(samples.length, variant).toBeGreaterThan(10_000);
      expect(same(samples, plain), variant).toBe(false);
    }
  });

  it('speaks the voices only the older build has through it', async () => {
    const module = await EspeakModule.load();
    expect(module.voices.map((voice) => voice.identifier)).toContain('gmq/fo');
    const faroese = await module.speak({ ...line, identifier: 'gmq/fo', text: 'Góðan dag.' });
    expect(faroese.length).toBeGreaterThan(5_000);
    expect((await module.phonemize('gmq/fo', 'Góðan dag.')).ipa).toMatch(/\S/);
  });

  it('reads only mono 16-bit WAV at its rate', () => {
    expect(() => wavSamples(new Uint8Array(8), 22_050)).toThrow('not a WAV file');
    const header = new Uint8Array(44 + 4);
    const view = new DataView(header.buffer);
    header.set([...'RIFF'].map((character) => character.charCodeAt(0)), 0);
    header.set([...'WAVEfmt '].map((character) => character.charCodeAt(0)), 8);
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true);
    view.setUint16(22, 1, true);
    view.setUint32(24, 22_050, true);
    view.setUint16(34, 16, true);
    header.set([...'data'].map((character) => character.charCodeAt(0)), 36);
    view.setUint32(40, 4, true);
    view.setInt16(44, -2, true);
    view.setInt16(46, 300, true);
    expect([...wavSamples(header, 22_050)]).toEqual([-2, 300]);
    expect(() => wavSamples(header, 16_000)).toThrow('not mono 16-bit at 16000 Hz');
  });
});
