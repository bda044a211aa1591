import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PiperSynthesizer } from '../../../src-main/core/engines/tts/piper-synthesizer.js';
import { parsePiperConfig, piperPhonemeIds, piperPhonemes } from '../../../src-main/core/engines/tts/piper-voice.js';
import { tinyExpectedSamples, tinyPiperConfig, tinySampleRate, tinyVoiceName, writeTinyPiperVoice, type TinyPiperVoice } from '../../fixtures/onnx/tiny-piper.js';
import { rejectionOf, thrownCode } from '../../helpers/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const idMap = { _: [0], '^': [1], $: [2], ' ': [3], a: [10], b: [11, 12], '.': [5] };

describe('piperPhonemeIds', () => {
  it('starts with ^ then pad, puts a pad after every phoneme\'s id(s), and ends with $', () => {
    expect(piperPhonemeIds('ab a.', idMap)).toEqual({ ids: [1, 0, 10, 0, 11, 12, 0, 3, 0, 10, 0, 5, 0, 2], unknown: [], skipped: 0 });
  });

  it('skips characters the voice has no id for, and counts them', () => {
    expect(piperPhonemeIds('aθzθ', idMap)).toEqual({ ids: [1, 0, 10, 0, 2], unknown: ['θ', 'z'], skipped: 3 });
  });

  it('gives only ^ pad $ for nothing to say', () => {
    expect(piperPhonemeIds('', idMap).ids).toEqual([1, 0, 2]);
  });
});

describe('piperPhonemes', () => {
  it('drops eSpeak\'s phoneme joiners and ends clauses with the text\'s punctuation', () => {
    expect(piperPhonemes('ˈo_l_a\nk_ˈo_m_o e_s_t_ˈa_s\n', 'Hola, ¿cómo estás?')).toBe('ˈola, kˈomo estˈas?');
    expect(piperPhonemes('ˈo_l_a\n', 'Hola')).toBe('ˈola.');
    expect(piperPhonemes('\n', '...')).toBe('');
  });
});

describe('parsePiperConfig', () => {
  it('reads a real-shaped config', () => {
    const config = parsePiperConfig(JSON.stringify(tinyPiperConfig()), 'voice.onnx.json');
    expect(config.audio.sample_rate).toBe(16_000);
    expect(config.espeak.voice).toBe('es');
    expect(config.inference).toEqual({ noise_scale: 0.667, length_scale: 1, noise_w: 0.8 });
    expect(config.num_speakers).toBe(1);
  });

  it.each([
    ['not JSON', '{"audio": ', /not JSON/],
    ['no sample rate', JSON.stringify({ ...tinyPiperConfig(), audio: {} }), /audio\.sample_rate/],
    ['a string length_scale', JSON.stringify({ ...tinyPiperConfig(), inference: { noise_scale: 0.667, length_scale: '1', noise_w: 0.8 } }), /inference\.length_scale/],
    ['no pad symbol', JSON.stringify({ ...tinyPiperConfig(), phoneme_id_map: { '^': [1], $: [2] } }), /"_"/],
  ])('refuses a config with %s, naming the file and the problem', (_, text, detail) => {
    let failure: unknown;
    expect(thrownCode(() => {
      try {
        parsePiperConfig(text, '/voices/bad.onnx.json');
      } catch (error) {
        failure = error;
        throw error;
      }
    })).toBe('E_MODEL_CORRUPT');
    const error = failure as { message: string; details: string[] };
    expect(error.message).toContain('bad.onnx.json');
    expect(error.details.join('\n')).toMatch(detail);
  });
});

describe('PiperSynthesizer on the tiny generated voice', () => {
  let folder: string;
  let voice: TinyPiperVoice;
  let piper: PiperSynthesizer;
  const logs: string[] = [];

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'redub-piper-'));
    voice = writeTinyPiperVoice(folder);
    piper = await PiperSynthesizer.load(folder, { preference: 'cpu', log: (message) => logs.push(message) });
  });

  afterAll(async () => {
    await piper?.release();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('takes its identity from the files: id, sample rate from the config, version, provider', () => {
    expect(piper.id).toBe('piper');
    expect(piper.sampleRate).toBe(tinySampleRate);
    expect(piper.voice).toBe(tinyVoiceName);
    expect(piper.version).toMatch(/^1\+piper-[0-9a-f]{16}$/);
    expect(piper.executionProvider).toBe('cpu');
    expect(piper.files).toEqual({ onnxPath: voice.onnxPath, configPath: voice.configPath });
  });

  it('picks its voice for its language and refuses others', () => {
    expect(piper.voiceFor('es')).toBe(tinyVoiceName);
    expect(piper.voiceFor('es-MX')).toBe(tinyVoiceName);
    expect(piper.voiceFor('fr', tinyVoiceName)).toBe(tinyVoiceName);
    expect(thrownCode(() => piper.voiceFor('fr'))).toBe('E_LANGUAGE_UNSUPPORTED');
    expect(thrownCode(() => piper.voiceFor('es', 'es_ES-other-medium'))).toBe('E_LANGUAGE_UNSUPPORTED');
  });

  it('phonemizes Spanish with eSpeak into Piper ids: ^ pad … $', async () => {
    const { phonemes, ids, skipped } = await piper.phonemeIds('Hola, ¿cómo estás?');
    expect(phonemes).toBe('ˈola, kˈomo estˈas?');
    expect(skipped).toBe(0);
    const map = voice.config.phoneme_id_map;
    expect(ids.slice(0, 2)).toEqual([map['^']![0], map._![0]]);
    expect(ids.at(-1)).toBe(map.$![0]);
    expect(ids.length).toBe(2 + 2 * Array.from(phonemes).length + 1);
    // Every other id after ^ is the pad.
    for (let index = 1; index < ids.length - 1; index += 2) expect(ids[index]).toBe(map._![0]);
  });

  it('synthesizes: the sample count follows the ids and the rate, amplitude is noise_scale', async () => {
    const text = 'Hola, ¿cómo estás?';
    const { ids } = await piper.phonemeIds(text);
    const normal = await piper.synthesize(text, tinyVoiceName);
    expect(normal).toBeInstanceOf(Float32Array);
    expect(normal.length).toBe(tinyExpectedSamples(ids.length, 1));
    expect(Math.max(...normal)).toBeCloseTo(0.667, 5);

    const faster = await piper.synthesize(text, tinyVoiceName, { rate: 1.25 });
    expect(faster.length).toBe(tinyExpectedSamples(ids.length, 1 / 1.25));
    expect(faster.length).toBeLessThan(normal.length);

    const longer = await piper.synthesize('Hola, ¿cómo estás? Me llamo Juan y vivo en Madrid.', tinyVoiceName);
    expect(longer.length).toBeGreaterThan(normal.length);
    expect(piper.executionProvider).toBe('cpu');
  });

  it('skips phonemes the voice lacks and logs that once', async () => {
    logs.length = 0;
    // Castilian "z" is θ, which the tiny voice has no id for.
    const { skipped, unknown } = await piper.phonemeIds('zapato');
    expect(unknown).toEqual(['θ']);
    expect(skipped).toBe(1);
    expect((await piper.synthesize('zapato', tinyVoiceName)).length).toBeGreaterThan(0);
    await piper.synthesize('cerveza', tinyVoiceName);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain('"θ"');
  });

  it('refuses another voice name, and a bad rate', async () => {
    expect((await rejectionOf(piper.synthesize('Hola', 'es_ES-other-medium'))).code).toBe('E_LANGUAGE_UNSUPPORTED');
    expect((await rejectionOf(piper.synthesize('Hola', tinyVoiceName, { rate: 0 }))).code).toBe('E_SYNTHESIS_FAILED');
    expect(await piper.synthesize('  ', tinyVoiceName)).toHaveLength(0);
  });
});

describe('PiperSynthesizer.load failures', () => {
  const directory = useTemporaryDirectory('redub-piper-');

  it('names a missing model file (E_MODEL_MISSING)', async () => {
    const voice = writeTinyPiperVoice(directory());
    rmSync(voice.onnxPath);
    const failure = await rejectionOf(PiperSynthesizer.load({ onnxPath: voice.onnxPath }, { preference: 'cpu' }));
    expect(failure.code).toBe('E_MODEL_MISSING');
    expect(failure.message).toContain(`${tinyVoiceName}.onnx`);
    expect(failure.details.join(' ')).toContain(voice.onnxPath);
  });

  it('names a missing config file (E_MODEL_MISSING)', async () => {
    const voice = writeTinyPiperVoice(directory());
    rmSync(voice.configPath);
    const failure = await rejectionOf(PiperSynthesizer.load(voice.onnxPath, { preference: 'cpu' }));
    expect(failure.code).toBe('E_MODEL_MISSING');
    expect(failure.message).toContain(`${tinyVoiceName}.onnx.json`);
  });

  it('refuses a folder with no model', async () => {
    const failure = await rejectionOf(PiperSynthesizer.load(directory(), { preference: 'cpu' }));
    expect(failure.code).toBe('E_MODEL_MISSING');
    expect(failure.message).toContain('no .onnx');
  });

  it('refuses a malformed config with a clear error', async () => {
    const voice = writeTinyPiperVoice(directory());
    writeFileSync(voice.configPath, JSON.stringify({ audio: { sample_rate: 16000 } }));
    const failure = await rejectionOf(PiperSynthesizer.load(voice.dir, { preference: 'cpu' }));
    expect(failure.code).toBe('E_MODEL_CORRUPT');
    expect(failure.message).toContain(`${tinyVoiceName}.onnx.json`);
    expect(failure.details.join('\n')).toMatch(/espeak/);
  });

  it('reports a model file ONNX Runtime cannot load', async () => {
    const voice = writeTinyPiperVoice(directory());
    writeFileSync(voice.onnxPath, 'not a model');
    const failure = await rejectionOf(PiperSynthesizer.load(voice.dir, { preference: 'cpu' }));
    expect(failure.code).toBe('E_MODEL_CORRUPT');
    expect(failure.details.join(' ')).toContain(voice.onnxPath);
  });
});
