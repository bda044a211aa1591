import { describe, expect, it } from 'vitest';
import { packageVersion } from '../../../src-main/core/engines/revisions.js';
import { EspeakModule } from '../../../src-main/core/engines/tts/espeak-module.js';
import { chooseEspeakVoice, listedEspeakBuild, listedEspeakVoices } from '../../../src-main/core/engines/tts/espeak-voice-list.js';
import { LegacyEspeak, legacyOnlyVoices } from '../../../src-main/core/engines/tts/espeak-legacy.js';
import { parseEspeakVoices } from '../../../src-main/core/engines/tts/espeak-voice-table.js';
import { EspeakWasm } from '../../../src-main/core/engines/tts/espeak-wasm.js';
import { rejectionOf } from '../../helpers/errors.js';
import { espeakVariants, espeakVoiceFor, findEspeakVoice, speakerVariants } from '../../../src-main/core/engines/tts/espeak-voices.js';

describe('the eSpeak NG voice list kept with Redub', () => {
  it('is the installed build’s own list (regenerate it from EspeakModule.voices when the package is upgraded)', async () => {
    expect(packageVersion('espeak-ng')).toBe(listedEspeakBuild);
    const module = await EspeakModule.load();
    expect(listedEspeakVoices).toEqual(module.voices.map(({ identifier, name, languages }) => ({ identifier, name, languages: languages.map(({ name: language, priority }) => ({ name: language, priority })) })));
  });

  it('takes from the older build exactly the voices the WebAssembly one lacks', async () => {
    const legacy = (await LegacyEspeak.load()).voices();
    const wasmOnly = parseEspeakVoices((await EspeakWasm.load()).run(['--voices']).stdout).map((voice) => voice.identifier);
    expect(legacyOnlyVoices.map((voice) => voice.identifier)).toEqual(legacy.map((voice) => voice.identifier).filter((identifier) => !wasmOnly.includes(identifier)));
    for (const voice of legacyOnlyVoices) expect(legacy).toContainEqual(voice);
  });

  it('chooses voices as the synthesizer does, and refuses what it refuses', async () => {
    expect(await chooseEspeakVoice('es')).toBe('roa/es');
    expect(await chooseEspeakVoice('es-MX')).toBe('roa/es-419');
    expect(await chooseEspeakVoice('es', 'es-419')).toBe('roa/es-419');
    expect((await rejectionOf(chooseEspeakVoice('xx-YY'))).code).toBe('E_LANGUAGE_UNSUPPORTED');
    expect((await rejectionOf(chooseEspeakVoice('es', 'robot-voice'))).code).toBe('E_LANGUAGE_UNSUPPORTED');
  });
});

describe('eSpeak NG voice variants', () => {
  it('names a variant after a voice, as eSpeak NG does (es+f3), and refuses one it does not have', () => {
    expect(findEspeakVoice(listedEspeakVoices, 'es+f3')).toBe('roa/es+f3');
    expect(findEspeakVoice(listedEspeakVoices, 'roa/es-419+M3')).toBe('roa/es-419+m3');
    expect(findEspeakVoice(listedEspeakVoices, 'es+nobody')).toBeNull();
    expect(findEspeakVoice(listedEspeakVoices, 'es+f3+m1')).toBeNull();
    expect(() => espeakVoiceFor(listedEspeakVoices, 'es', 'es+nobody')).toThrow(expect.objectContaining({ code: 'E_LANGUAGE_UNSUPPORTED', details: expect.arrayContaining([expect.stringMatching(/"es\+nobody" is not an eSpeak NG voice/)]) }));
    // Every variant speakers get by default is one eSpeak NG has.
    for (const variant of speakerVariants) expect(espeakVariants).toContain(variant);
  });
});
