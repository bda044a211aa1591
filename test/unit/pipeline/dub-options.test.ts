import { describe, expect, it } from 'vitest';
import { dubJobOptionsSchema, idempotencyKeyFor, readJobOptions, type DubJobOptions } from '../../../src-main/core/pipeline/dub-options.js';

function options(overrides: Partial<DubJobOptions> = {}): DubJobOptions {
  return {
    version: 6,
    speech: { engine: 'espeak', voice: overrides.voice ?? null },
    inputPath: '/videos/talk.mp4',
    inputFingerprint: 'fingerprint-1',
    inputUrl: null,
    language: 'es',
    sourceLanguage: 'en',
    subtitlesPath: '/videos/talk.en.srt',
    subtitlesHash: 'subtitles-hash-1',
    translationPath: '/videos/talk.es.srt',
    translationHash: 'translation-hash-1',
    subtitlesEncoding: null,
    subtitlesShown: false,
    voice: null,
    outDir: '/videos/dubbed',
    maxSpeed: 1.35,
    targetLufs: -16,
    limits: {},
    lipSyncSegments: [],
    audioRefs: [],
    executionProvider: 'auto',
    separation: null,
    diarization: null,
    speakerVoices: {},
    voicePool: [],
    stems: false,
    ...overrides,
  };
}

describe('idempotencyKeyFor', () => {
  const base = idempotencyKeyFor(options());

  it('is equal for equal options, even built separately with keys in another order', () => {
    const reordered = Object.fromEntries(Object.entries(options()).reverse()) as DubJobOptions;
    expect(idempotencyKeyFor(options())).toBe(base);
    expect(idempotencyKeyFor(reordered)).toBe(base);
  });

  it('ignores the execution provider, and matches option sets stored before it existed', () => {
    expect(idempotencyKeyFor(options({ executionProvider: 'cuda' }))).toBe(base);
    expect(idempotencyKeyFor(options({ executionProvider: 'cpu' }))).toBe(base);
    const { executionProvider: _provider, version: _version, speech: _speech, ...stored } = options();
    expect(idempotencyKeyFor(stored)).toBe(base);
    expect(readJobOptions(stored).executionProvider).toBe('auto');
  });

  it('ignores where the subtitle file lives', () => {
    expect(idempotencyKeyFor(options({ subtitlesPath: '/elsewhere/moved.en.srt' }))).toBe(base);
  });

  it('ignores where the translation file lives', () => {
    expect(idempotencyKeyFor(options({ translationPath: '/elsewhere/moved.es.srt' }))).toBe(base);
  });

  it('changes when the subtitle content hash changes', () => {
    expect(idempotencyKeyFor(options({ subtitlesHash: 'subtitles-hash-2' }))).not.toBe(base);
  });

  it('changes when the translation content hash changes', () => {
    expect(idempotencyKeyFor(options({ translationHash: 'translation-hash-2' }))).not.toBe(base);
  });

  it('changes with the target language', () => {
    expect(idempotencyKeyFor(options({ language: 'fr' }))).not.toBe(base);
  });

  it('changes with the voice', () => {
    expect(idempotencyKeyFor(options({ voice: 'roa/es-419' }))).not.toBe(base);
  });

  it('changes with maxSpeed', () => {
    expect(idempotencyKeyFor(options({ maxSpeed: 1.5 }))).not.toBe(base);
  });

  it('changes with the output folder', () => {
    expect(idempotencyKeyFor(options({ outDir: '/videos/other' }))).not.toBe(base);
  });

  it('changes with the input fingerprint (the video itself changed)', () => {
    expect(idempotencyKeyFor(options({ inputFingerprint: 'fingerprint-2' }))).not.toBe(base);
  });

  it('changes with a named subtitle encoding and with a shown subtitle track, and keeps older keys at the defaults', () => {
    expect(idempotencyKeyFor(options({ subtitlesEncoding: 'windows-1251' }))).not.toBe(base);
    expect(idempotencyKeyFor(options({ subtitlesShown: true }))).not.toBe(base);
    const { subtitlesEncoding: _encoding, subtitlesShown: _shown, ...stored } = options();
    expect(idempotencyKeyFor(stored)).toBe(base);
  });

  it('upgrades version-2 option sets to a detected encoding and a hidden subtitle track', () => {
    const { subtitlesEncoding: _encoding, subtitlesShown: _shown, ...stored } = options();
    expect(readJobOptions({ ...stored, version: 2 })).toMatchObject({ version: 6, subtitlesEncoding: null, subtitlesShown: false, inputUrl: null, audioRefs: [] });
  });

  it('changes with the lip-sync segments', () => {
    expect(idempotencyKeyFor(options({ lipSyncSegments: [{ id: 'a', startMs: 0, endMs: 1000, audio: { refId: 'dub' } }] }))).not.toBe(base);
  });

  it('leaves no added audio out, so older keys hold, and keys added audio by refId and content, not by path', () => {
    const { audioRefs: _audio, ...stored } = options();
    expect(idempotencyKeyFor(stored)).toBe(base);
    const narrator = { id: 'narrator', path: '/audio/voice.wav', durationMs: 1500, fingerprint: 'voice-1' };
    const withAudio = idempotencyKeyFor(options({ audioRefs: [narrator] }));
    expect(withAudio).not.toBe(base);
    expect(idempotencyKeyFor(options({ audioRefs: [{ ...narrator, path: '/moved/voice.wav' }] }))).toBe(withAudio);
    expect(idempotencyKeyFor(options({ audioRefs: [{ ...narrator, fingerprint: 'voice-2' }] }))).not.toBe(withAudio);
    expect(idempotencyKeyFor(options({ audioRefs: [{ ...narrator, id: 'other' }] }))).not.toBe(withAudio);
  });
});

describe('dubJobOptionsSchema', () => {
  it('accepts options as prepared for a job', () => {
    expect(dubJobOptionsSchema.safeParse(options()).success).toBe(true);
  });

  it('rejects a maxSpeed below 1 (slowing down is not speeding up)', () => {
    expect(dubJobOptionsSchema.safeParse(options({ maxSpeed: 0.9 })).success).toBe(false);
  });

  it('rejects a target loudness outside -40..-5 LUFS', () => {
    expect(dubJobOptionsSchema.safeParse(options({ targetLufs: -2 })).success).toBe(false);
    expect(dubJobOptionsSchema.safeParse(options({ targetLufs: -45 })).success).toBe(false);
  });
});

describe('idempotencyKeyFor and the speech engine choice', () => {
  // The key of this option set as Redub computed it before jobs recorded their speech engine.
  const storedKey = '579789ca08a53c24c27b1e26d8542bc00e38818c66353b45204d798676b75bb1';

  it('keeps the key of option sets stored before the speech field existed', () => {
    const { executionProvider: _provider, version: _version, speech: _speech, ...stored } = options({ voice: 'roa/es-419' });
    expect(idempotencyKeyFor(stored)).toBe(storedKey);
    expect(idempotencyKeyFor(options({ voice: 'roa/es-419' }))).toBe(storedKey);
  });

  it('gives an eSpeak choice the key the same option set had without it', () => {
    expect(idempotencyKeyFor(options({ voice: 'roa/es-419', speech: { engine: 'espeak', voice: 'roa/es-419' } }))).toBe(storedKey);
    expect(idempotencyKeyFor(options({ speech: { engine: 'espeak', voice: null } }))).toBe(idempotencyKeyFor(options()));
  });

  it('makes a Piper job a different job from the eSpeak one, and tells Piper voices apart', () => {
    const piper = (modelPath: string) => options({ speech: { engine: 'piper', voice: 'es_ES-davefx-medium', packId: 'piper-es', packDir: '/data/models/piper-es', modelPath } });
    expect(idempotencyKeyFor(piper('/data/models/piper-es/a.onnx'))).not.toBe(idempotencyKeyFor(options()));
    expect(idempotencyKeyFor(piper('/data/models/piper-es/a.onnx'))).not.toBe(idempotencyKeyFor(piper('/data/models/piper-es/b.onnx')));
  });

  it('reads option sets without the speech field as eSpeak with their voice', () => {
    const { speech: _speech, version: _version, ...stored } = options({ voice: 'roa/es-419' });
    expect(readJobOptions(stored).speech).toEqual({ engine: 'espeak', voice: 'roa/es-419' });
  });
});
