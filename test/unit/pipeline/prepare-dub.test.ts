import { realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedubError, type ErrorCode } from '../../../src-main/shared/errors.js';
import { prepareDubJobs, type DubRequest, type VoiceCheck } from '../../../src-main/core/pipeline/prepare-dub.js';
import type { CatalogPack } from '../../../src-main/core/models/catalog.js';
import { importPack } from '../../../src-main/core/models/import.js';
import { ModelStore } from '../../../src-main/core/models/model-store.js';
import { tinyVoiceName, writeTinyPiperVoice } from '../../fixtures/onnx/tiny-piper.js';
import { lipSyncPacks } from '../../../src-main/core/engines/lipsync/lipsync-packs.js';
import { makeTone, makeVideo } from '../../helpers/media-fixtures.js';
import { fakeLipSyncPacks, segment, writeEmptyFile, writeNotAudio, writeSilentWavHeader } from './lipsync-fixtures.js';
import { rejectionOf } from '../../helpers/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectory('redub-prepare-dub-');

const englishSrt = '1\n00:00:00,200 --> 00:00:01,000\nHello there.\n\n2\n00:00:01,100 --> 00:00:01,900\nGoodbye.\n';
const spanishSrt = '1\n00:00:00,200 --> 00:00:01,000\nHola.\n\n2\n00:00:01,100 --> 00:00:01,900\nAdiós.\n';
const frenchSrt = '1\n00:00:00,200 --> 00:00:01,000\nBonjour.\n\n2\n00:00:01,100 --> 00:00:01,900\nAu revoir.\n';

interface Files {
  dir: string;
  video: string;
  subtitles: string;
  es: string;
  fr: string;
}

/** A 2-second, 15 fps video with English subtitles and Spanish and French translations beside it. */
async function makeFiles(): Promise<Files> {
  const dir = temporaryDirectory();
  const video = await makeVideo(dir, { seconds: 2, fps: 15, name: 'talk.mp4' });
  const write = async (name: string, content: string) => {
    const filePath = path.join(dir, name);
    await writeFile(filePath, content);
    return filePath;
  };
  return { dir, video, subtitles: await write('talk.en.srt', englishSrt), es: await write('talk.es.srt', spanishSrt), fr: await write('talk.fr.srt', frenchSrt) };
}

function recordingVoiceCheck(): { check: VoiceCheck; calls: [string, string | undefined][] } {
  const calls: [string, string | undefined][] = [];
  return {
    calls,
    check: async (language, voice) => {
      calls.push([language, voice]);
    },
  };
}

const acceptAnyVoice: VoiceCheck = async () => undefined;


async function expectRejectedWith(request: DubRequest, code: ErrorCode, checkVoice: VoiceCheck = acceptAnyVoice): Promise<RedubError> {
  const error = await rejectionOf(prepareDubJobs(request, checkVoice));
  expect(error.code).toBe(code);
  return error;
}

describe('prepareDubJobs: languages', () => {
  it('makes one option set per target language, sharing the input and subtitles', async () => {
    const files = await makeFiles();
    const jobs = await prepareDubJobs({ input: files.video, to: ['es', 'FR'], from: 'EN', subtitles: files.subtitles, translations: { es: files.es, fr: files.fr } }, acceptAnyVoice);

    expect(jobs.map((job) => job.language)).toEqual(['es', 'fr']);
    expect(jobs.map((job) => job.translationPath)).toEqual([files.es, files.fr]);
    expect(jobs[0]!.translationHash).not.toBe(jobs[1]!.translationHash);
    for (const job of jobs) {
      expect(job).toMatchObject({ inputPath: files.video, sourceLanguage: 'en', subtitlesPath: files.subtitles, voice: null, outDir: files.dir, maxSpeed: 1.35, targetLufs: -16, limits: {}, lipSyncSegments: [] });
      expect(job.subtitlesHash).toMatch(/^[0-9a-f]{64}$/);
      expect(job.inputFingerprint).toBe(jobs[0]!.inputFingerprint);
    }
  });

  it('makes one job for a language named twice, in any case', async () => {
    const files = await makeFiles();
    const jobs = await prepareDubJobs({ input: files.video, to: ['es', 'ES', ' es '], translations: { es: files.es } }, acceptAnyVoice);
    expect(jobs).toHaveLength(1);
  });

  it('resolves the output folder and passes maxSpeed and targetLufs through', async () => {
    const files = await makeFiles();
    const [job] = await prepareDubJobs({ input: files.video, to: ['es'], translations: { es: files.es }, outDir: path.join(files.dir, 'out'), maxSpeed: 1.2, targetLufs: -23 }, acceptAnyVoice);
    expect(job).toMatchObject({ outDir: path.join(files.dir, 'out'), maxSpeed: 1.2, targetLufs: -23, subtitlesPath: null, subtitlesHash: null, sourceLanguage: null });
  });

  it('E_USAGE when no target language is given', async () => {
    const files = await makeFiles();
    const error = await expectRejectedWith({ input: files.video, to: [] }, 'E_USAGE');
    expect(error.message).toContain('--to');
    await expectRejectedWith({ input: files.video, to: ['', '  '] }, 'E_USAGE');
  });

  it('E_USAGE naming a target language that is not a language code', async () => {
    const files = await makeFiles();
    const error = await expectRejectedWith({ input: files.video, to: ['es', 'spanish!'], subtitles: files.subtitles }, 'E_USAGE');
    expect(error.message).toContain('"spanish!"');
  });

  it('E_USAGE naming a translation whose language is not a target', async () => {
    const files = await makeFiles();
    const error = await expectRejectedWith({ input: files.video, to: ['es'], translations: { es: files.es, fr: files.fr } }, 'E_USAGE');
    expect(error.message).toContain('"fr"');
  });

  it('E_USAGE naming a voice whose language is not a target', async () => {
    const files = await makeFiles();
    const error = await expectRejectedWith({ input: files.video, to: ['es'], translations: { es: files.es }, voices: { de: 'gmw/de' } }, 'E_USAGE');
    expect(error.message).toContain('"de"');
  });

  it('E_USAGE for a translation given without a file', async () => {
    const files = await makeFiles();
    await expectRejectedWith({ input: files.video, to: ['es'], translations: { es: '' } }, 'E_USAGE');
  });
});

describe('prepareDubJobs: text', () => {
  it('E_MODEL_MISSING naming a Whisper pack when there are neither subtitles nor a translation', async () => {
    const files = await makeFiles();
    const error = await expectRejectedWith({ input: files.video, to: ['es'] }, 'E_MODEL_MISSING');
    expect(error.message).toContain('Whisper');
    expect(error.action).toContain('redub models install whisper-base');
    expect(error.action).toContain('--subtitles');
  });

  it('asks for --from when subtitles of an unknown language must be machine-translated', async () => {
    const files = await makeFiles();
    const error = await expectRejectedWith({ input: files.video, to: ['es', 'fr'], subtitles: files.subtitles, translations: { es: files.es } }, 'E_USAGE');
    expect(error.message).toContain('--from');
    expect(error.message).toContain('fr');
  });

  it('E_MODEL_MISSING naming a translation pack when one target language has no translation and no pack covers it', async () => {
    const files = await makeFiles();
    const error = await expectRejectedWith({ input: files.video, to: ['es', 'fr'], from: 'en', subtitles: files.subtitles, translations: { es: files.es } }, 'E_MODEL_MISSING');
    expect(error.message).toContain('from en into fr');
    expect(error.action).toContain('redub models install nllb-200-distilled-600m');
    expect(error.action).toContain('--translation fr=');
  });

  it('rejects a translation file that does not exist with E_SUBTITLES_MISSING', async () => {
    const files = await makeFiles();
    await expectRejectedWith({ input: files.video, to: ['es'], translations: { es: path.join(files.dir, 'missing.es.srt') } }, 'E_SUBTITLES_MISSING');
  });

  it('rejects a subtitles file that does not exist with E_SUBTITLES_MISSING', async () => {
    const files = await makeFiles();
    await expectRejectedWith({ input: files.video, to: ['es'], subtitles: path.join(files.dir, 'missing.en.srt'), translations: { es: files.es } }, 'E_SUBTITLES_MISSING');
  });
});

describe('prepareDubJobs: voices', () => {
  it('checks the voice once per language, with that language’s override', async () => {
    const files = await makeFiles();
    const voiceCheck = recordingVoiceCheck();
    const jobs = await prepareDubJobs({ input: files.video, to: ['es', 'fr'], translations: { es: files.es, fr: files.fr }, voices: { ES: 'roa/es-419' } }, voiceCheck.check);
    expect(voiceCheck.calls).toEqual([
      ['es', 'roa/es-419'],
      ['fr', undefined],
    ]);
    expect(jobs.map((job) => job.voice)).toEqual(['roa/es-419', null]);
  });

  it('passes on the voice check’s rejection and makes no jobs', async () => {
    const files = await makeFiles();
    const refuse: VoiceCheck = async (language) => {
      if (language === 'fr') throw new RedubError('E_LANGUAGE_UNSUPPORTED', { details: [`No voice for ${language}.`] });
    };
    const error = await expectRejectedWith({ input: files.video, to: ['es', 'fr'], translations: { es: files.es, fr: files.fr } }, 'E_LANGUAGE_UNSUPPORTED', refuse);
    expect(error.details).toEqual(['No voice for fr.']);
  });
});

describe('prepareDubJobs: lip-sync segments', () => {
  const request = (files: Files, lipsync: unknown, extra: Partial<DubRequest> = {}): DubRequest => ({ input: files.video, to: ['es'], translations: { es: files.es }, lipsync: lipsync as DubRequest['lipsync'], ...extra });

  it('E_LIPSYNC_INVALID with details naming each bad segment and the rule it breaks', async () => {
    const files = await makeFiles();
    const lipSync = {
      segments: [
        { id: 'too-late', startMs: 1500, endMs: 9000, audio: { refId: 'dub' }, fit: true },
        { id: 'stranger', startMs: 0, endMs: 500, audio: { refId: 'narrator' } },
      ],
    };
    const error = await expectRejectedWith(request(files, lipSync), 'E_LIPSYNC_INVALID');
    expect(error.details).toHaveLength(2);
    expect(error.details.find((detail) => detail.includes('"too-late"'))).toContain('[rule: inside-video]');
    expect(error.details.find((detail) => detail.includes('"stranger"'))).toContain('[rule: known-audio]');
  });

  it('applies maxLipSyncSegments', async () => {
    const files = await makeFiles();
    const segment = (id: string, startMs: number) => ({ id, startMs, endMs: startMs + 200, audio: { refId: 'dub' }, fit: true });
    const lipSync = { segments: [segment('a', 0), segment('b', 500)] };
    const error = await expectRejectedWith(request(files, lipSync, { maxLipSyncSegments: 1 }), 'E_LIPSYNC_INVALID');
    expect(error.details.join('\n')).toContain('[rule: segment-limit]');
  });

  /** A model store where the face detector and lip-sync packs (or only some) look installed. */
  function lipSyncModels(which?: ('detector' | 'model')[]): ModelStore {
    const dataDir = path.join(temporaryDirectory(), 'data');
    fakeLipSyncPacks(dataDir, which);
    return new ModelStore(dataDir);
  }

  it('returns valid segments with every job', async () => {
    const files = await makeFiles();
    const segments = [
      { id: 'intro', startMs: 0, endMs: 1000, audio: { refId: 'dub', cropStartMs: 0, cropEndMs: 1000 } },
      { id: 'outro', startMs: 1200, endMs: 1800, audio: { refId: 'dub' }, fit: true },
    ];
    const lipSync = { segments };
    const jobs = await prepareDubJobs(request(files, lipSync, { to: ['es', 'fr'], translations: { es: files.es, fr: files.fr } }), acceptAnyVoice, lipSyncModels());
    expect(jobs).toHaveLength(2);
    for (const job of jobs) expect(job.lipSyncSegments).toEqual(segments);
    for (const job of jobs) expect(job.audioRefs).toEqual([]);
  });

  it('E_MODEL_MISSING naming both lip-sync packs and their install commands when segments are given without them', async () => {
    const files = await makeFiles();
    const lipSync = { segments: [segment('intro', 0, 1000)] };
    const error = await rejectionOf(prepareDubJobs(request(files, lipSync), acceptAnyVoice, lipSyncModels([])));
    expect(error.code).toBe('E_MODEL_MISSING');
    expect(error.message).toContain(`"${lipSyncPacks.detector.id}"`);
    expect(error.message).toContain(`"${lipSyncPacks.model.id}"`);
    expect(error.action).toContain(`redub models install ${lipSyncPacks.detector.id}`);
    expect(error.action).toContain(`redub models install ${lipSyncPacks.model.id}`);
    // Without a model store at all, and with only the detector, the missing ones are named.
    expect((await rejectionOf(prepareDubJobs(request(files, lipSync), acceptAnyVoice))).code).toBe('E_MODEL_MISSING');
    const one = await rejectionOf(prepareDubJobs(request(files, lipSync), acceptAnyVoice, lipSyncModels(['detector'])));
    expect(one.action).toContain(`redub models install ${lipSyncPacks.model.id}`);
    expect(one.action).not.toContain(`install ${lipSyncPacks.detector.id}`);
    // No segments, no packs needed: an empty list and added audio alone queue as before.
    const tone = await makeTone(files.dir, { seconds: 1 });
    expect(await prepareDubJobs(request(files, { segments: [] }, { audio: { narrator: tone } }), acceptAnyVoice)).toHaveLength(1);
  });

  it('checks segments against the added audio: its refId is known, its length bounds the crop', async () => {
    const files = await makeFiles();
    const voice = await makeTone(files.dir, { name: 'voice.wav', seconds: 0.5, sampleRate: 16_000 });
    const good = { segments: [segment('a', 0, 500, 'narrator', { fit: false }), segment('b', 1000, 1300, 'narrator', { cropStartMs: 100, cropEndMs: 400, fit: false })] };
    const [job] = await prepareDubJobs(request(files, good, { audio: { narrator: voice } }), acceptAnyVoice, lipSyncModels());
    expect(job!.audioRefs).toEqual([{ id: 'narrator', path: realpathSync(voice), durationMs: 500, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const bad = { segments: [segment('c', 0, 800, 'narrator', { cropStartMs: 0, cropEndMs: 800 }), segment('d', 1000, 1500, 'stranger')] };
    const error = await rejectionOf(prepareDubJobs(request(files, bad, { audio: { narrator: voice } }), acceptAnyVoice, lipSyncModels()));
    expect(error.code).toBe('E_LIPSYNC_INVALID');
    expect(error.violations.map((violation) => [violation.segmentId, violation.rule])).toEqual([['c', 'crop-inside-audio'], ['d', 'known-audio']]);
    expect(error.details).toEqual(error.violations.map((violation) => `${violation.message} [rule: ${violation.rule}]`));
  });

  it('refuses a bad refId with E_USAGE and a bad audio file with its own code, before the packs are asked for', async () => {
    const files = await makeFiles();
    const tone = await makeTone(files.dir, { seconds: 1 });
    for (const refId of ['dub', 'has space', '-leading', 'x'.repeat(65)]) {
      const error = await rejectionOf(prepareDubJobs(request(files, null, { audio: { [refId]: tone } }), acceptAnyVoice));
      expect(error.code, refId).toBe('E_USAGE');
    }
    const cases: [string, ErrorCode][] = [
      [writeNotAudio(files.dir), 'E_AUDIO_INVALID'],
      [writeEmptyFile(files.dir), 'E_AUDIO_EMPTY'],
      [writeSilentWavHeader(files.dir), 'E_AUDIO_EMPTY'],
      [path.join(files.dir, 'gone.wav'), 'E_INPUT_MISSING'],
    ];
    for (const [file, code] of cases) {
      expect((await rejectionOf(prepareDubJobs(request(files, { segments: [segment('a', 0, 500)] }, { audio: { narrator: file } }), acceptAnyVoice))).code, file).toBe(code);
    }
    // The job's duration limit bounds the audio too.
    const long = await makeTone(files.dir, { name: 'long.wav', seconds: 3 });
    const tooLong = await rejectionOf(prepareDubJobs(request(files, null, { audio: { narrator: long }, limits: { maxDurationMs: 2500 } }), acceptAnyVoice));
    expect(tooLong.code).toBe('E_AUDIO_TOO_LONG');
  });
});

describe('prepareDubJobs: limits', () => {
  it('passes the size limit to the probe: E_INPUT_TOO_LARGE with a tiny maxBytes', async () => {
    const files = await makeFiles();
    const error = await expectRejectedWith({ input: files.video, to: ['es'], translations: { es: files.es }, limits: { maxBytes: 100 } }, 'E_INPUT_TOO_LARGE');
    expect(error.details.join(' ')).toContain(files.video);
  });

  it('passes the duration limit to the probe: E_INPUT_TOO_LONG with a 1 s maxDurationMs', async () => {
    const files = await makeFiles();
    await expectRejectedWith({ input: files.video, to: ['es'], translations: { es: files.es }, limits: { maxDurationMs: 1000 } }, 'E_INPUT_TOO_LONG');
  });

  it('stores limits the input passes with each job', async () => {
    const files = await makeFiles();
    const limits = { maxBytes: 500 * 1024 * 1024, maxDurationMs: 60_000 };
    const [job] = await prepareDubJobs({ input: files.video, to: ['es'], translations: { es: files.es }, limits }, acceptAnyVoice);
    expect(job!.limits).toEqual(limits);
  });
});

describe('prepareDubJobs: the speech engine', () => {
  /** A data folder where the tiny Piper voice (it speaks "es") is imported as the pack `tiny-es`. */
  async function storeWithTinyVoice(dir: string, languages = ['es'], kind: CatalogPack['kind'] = 'tts'): Promise<ModelStore> {
    const voice = writeTinyPiperVoice(path.join(dir, 'voice-source'));
    const pack: CatalogPack = {
      id: 'tiny-es',
      kind,
      name: 'Tiny Piper voice',
      languages,
      engine: 'piper',
      license: 'MIT',
      sourceUrl: 'https://example.invalid/tiny',
      minMemoryMb: 1,
      files: [`${voice.name}.onnx`, `${voice.name}.onnx.json`].map((file) => ({ path: file, url: `https://example.invalid/tiny/${file}` })),
    };
    const dataDir = path.join(dir, 'data');
    await importPack(pack, voice.dir, dataDir);
    return new ModelStore(dataDir);
  }

  it('speaks with an installed Piper pack for the language, and eSpeak NG for the others', async () => {
    const files = await makeFiles();
    const models = await storeWithTinyVoice(files.dir);
    const voiceCheck = recordingVoiceCheck();
    const jobs = await prepareDubJobs({ input: files.video, to: ['es', 'fr'], translations: { es: files.es, fr: files.fr } }, voiceCheck.check, models);
    const packDir = path.join(files.dir, 'data', 'models', 'tiny-es');
    expect(jobs[0]!.speech).toEqual({ engine: 'piper', voice: tinyVoiceName, packId: 'tiny-es', packDir, modelPath: path.join(packDir, `${tinyVoiceName}.onnx`) });
    expect(jobs[0]!.voice).toBeNull();
    expect(jobs[1]!.speech).toEqual({ engine: 'espeak', voice: null });
    // eSpeak NG is asked about Spanish only for the variants further speakers get after the Piper voice.
    expect(voiceCheck.calls).toEqual([['es', undefined], ['fr', undefined]]);
    expect(jobs[0]!.voicePool.map((choice) => choice.voice)).toEqual([tinyVoiceName, 'es+f4', 'es+m3', 'es+f1', 'es+m6', 'es+m2', 'es+m7', 'es+m4', 'es+m8']);
    expect(jobs[1]!.voicePool[0]).toEqual(jobs[1]!.speech);
  });

  it('takes a voice per speaker (language:speaker=voice), checked like the job\'s own', async () => {
    const files = await makeFiles();
    const voiceCheck = recordingVoiceCheck();
    const [job] = await prepareDubJobs({ input: files.video, to: ['es'], translations: { es: files.es }, voices: { 'es:SPEAKER_2': 'espeak:es+f4', 'es:Alice': 'es+m3' } }, voiceCheck.check);
    expect(job!.speakerVoices).toEqual({ SPEAKER_2: { engine: 'espeak', voice: 'es+f4' }, Alice: { engine: 'espeak', voice: 'es+m3' } });
    expect(voiceCheck.calls).toContainEqual(['es', 'es+f4']);
    await expectRejectedWith({ input: files.video, to: ['es'], translations: { es: files.es }, voices: { 'fr:SPEAKER_1': 'fr' } }, 'E_USAGE');
    await expectRejectedWith({ input: files.video, to: ['es'], translations: { es: files.es }, voices: { 'es:': 'es' } }, 'E_USAGE');
    await expectRejectedWith({ input: files.video, to: ['es'], translations: { es: files.es }, voices: { 'es:SPEAKER_1': 'piper:not-installed' } }, 'E_MODEL_MISSING');
  });

  it('refuses stems without a separation pack, and a number of speakers without the speaker packs', async () => {
    const files = await makeFiles();
    const base = { input: files.video, to: ['es'], translations: { es: files.es } };
    expect((await expectRejectedWith({ ...base, stems: true }, 'E_MODEL_MISSING')).action).toMatch(/redub models install/);
    expect((await expectRejectedWith({ ...base, speakers: 2 }, 'E_MODEL_MISSING')).action).toMatch(/redub models install/);
    await expectRejectedWith({ ...base, speakers: 0 }, 'E_USAGE');
    const [job] = await prepareDubJobs({ ...base, speakers: 1 }, acceptAnyVoice);
    // One speaker: one voice for every line, the subtitles' actors notwithstanding.
    expect(job).toMatchObject({ separation: null, diarization: null, stems: false, voicePool: [] });
  });

  it('builds the default eSpeak variants on the voice eSpeak NG knows, not on the language tag', async () => {
    const files = await makeFiles();
    const [chinese] = await prepareDubJobs({ input: files.video, to: ['zh'], translations: { zh: files.es } }, acceptAnyVoice);
    expect(chinese!.voicePool.slice(1, 3).map((choice) => choice.voice)).toEqual(['cmn+f4', 'cmn+m3']);
    const [mexican] = await prepareDubJobs({ input: files.video, to: ['es-mx'], translations: { 'es-mx': files.es } }, acceptAnyVoice);
    expect(mexican!.voicePool[1]!.voice).toBe('es-419+f4');
    // A job already speaking with a variant does not get it twice.
    const [varied] = await prepareDubJobs({ input: files.video, to: ['es'], translations: { es: files.es }, voices: { es: 'espeak:es+f4' } }, acceptAnyVoice);
    expect(varied!.voicePool.map((choice) => choice.voice).filter((voice) => voice === 'es+f4')).toHaveLength(1);
  });

  it('also takes a pack for the base language when the target names a region', async () => {
    const files = await makeFiles();
    const models = await storeWithTinyVoice(files.dir);
    const [job] = await prepareDubJobs({ input: files.video, to: ['es-MX'], translations: { 'es-MX': files.es } }, acceptAnyVoice, models);
    expect(job!.speech?.engine).toBe('piper');
  });

  it('uses eSpeak NG when no Piper pack is installed, or the pack is not a voice', async () => {
    const files = await makeFiles();
    const empty = new ModelStore(path.join(files.dir, 'empty-data'));
    const [plain] = await prepareDubJobs({ input: files.video, to: ['es'], translations: { es: files.es } }, acceptAnyVoice, empty);
    expect(plain!.speech).toEqual({ engine: 'espeak', voice: null });
    const asr = await storeWithTinyVoice(files.dir, ['es'], 'asr');
    const [other] = await prepareDubJobs({ input: files.video, to: ['es'], translations: { es: files.es } }, acceptAnyVoice, asr);
    expect(other!.speech?.engine).toBe('espeak');
  });

  it('forces eSpeak NG with espeak, espeak:<voice> or a bare eSpeak voice', async () => {
    const files = await makeFiles();
    const models = await storeWithTinyVoice(files.dir);
    for (const [value, voice] of [['espeak', null], ['espeak:roa/es-419', 'roa/es-419'], ['roa/es-419', 'roa/es-419']] as const) {
      const voiceCheck = recordingVoiceCheck();
      const [job] = await prepareDubJobs({ input: files.video, to: ['es'], translations: { es: files.es }, voices: { es: value } }, voiceCheck.check, models);
      expect(job!.speech).toEqual({ engine: 'espeak', voice });
      expect(job!.voice).toBe(voice);
      expect(voiceCheck.calls).toEqual([['es', voice ?? undefined]]);
    }
  });

  it('forces a Piper pack with piper:<packId>', async () => {
    const files = await makeFiles();
    const models = await storeWithTinyVoice(files.dir);
    const [job] = await prepareDubJobs({ input: files.video, to: ['es'], translations: { es: files.es }, voices: { es: 'piper:tiny-es' } }, acceptAnyVoice, models);
    expect(job!.speech).toMatchObject({ engine: 'piper', voice: tinyVoiceName, packId: 'tiny-es' });
  });

  it('E_MODEL_MISSING naming the pack and its install command when piper:<packId> is not installed', async () => {
    const files = await makeFiles();
    const models = new ModelStore(path.join(files.dir, 'empty-data'));
    const error = await rejectionOf(prepareDubJobs({ input: files.video, to: ['es'], translations: { es: files.es }, voices: { es: 'piper:piper-es-es-davefx-medium' } }, acceptAnyVoice, models));
    expect(error.code).toBe('E_MODEL_MISSING');
    expect(error.message).toContain('piper-es-es-davefx-medium');
    expect(error.action).toContain('redub models install piper-es-es-davefx-medium');
  });

  it('E_LANGUAGE_UNSUPPORTED when the forced Piper pack speaks another language', async () => {
    const files = await makeFiles();
    const models = await storeWithTinyVoice(files.dir);
    const error = await rejectionOf(prepareDubJobs({ input: files.video, to: ['fr'], translations: { fr: files.fr }, voices: { fr: 'piper:tiny-es' } }, acceptAnyVoice, models));
    expect(error.code).toBe('E_LANGUAGE_UNSUPPORTED');
    expect(error.details.join(' ')).toContain('tiny-es');
  });
});
