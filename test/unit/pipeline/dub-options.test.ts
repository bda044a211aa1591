import { describe, expect, it } from 'vitest';
import { dubJobOptionsSchema, idempotencyKeyFor, type DubJobOptions } from '../../../src-main/core/pipeline/dub-options.js';

function options(overrides: Partial<DubJobOptions> = {}): DubJobOptions {
  return {
    inputPath: '/videos/talk.mp4',
    inputFingerprint: 'fingerprint-1',
    language: 'es',
    sourceLanguage: 'en',
    subtitlesPath: '/videos/talk.en.srt',
    subtitlesHash: 'subtitles-hash-1',
    translationPath: '/videos/talk.es.srt',
    translationHash: 'translation-hash-1',
    voice: null,
    outDir: '/videos/dubbed',
    maxSpeed: 1.35,
    targetLufs: -16,
    limits: {},
    lipSyncSegments: [],
    executionProvider: 'auto',
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
    const { executionProvider: _provider, ...stored } = options();
    expect(idempotencyKeyFor(stored)).toBe(base);
    expect(dubJobOptionsSchema.parse(stored).executionProvider).toBe('auto');
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

  it('changes with the lip-sync segments', () => {
    expect(idempotencyKeyFor(options({ lipSyncSegments: [{ id: 'a', startMs: 0, endMs: 1000, audio: { refId: 'dub' } }] }))).not.toBe(base);
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
