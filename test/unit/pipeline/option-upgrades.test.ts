// Each upgrade of stored job options has its own test, as each migration does: an option set as
// that version wrote it comes out as the next version means it, and then passes the schema.
import { describe, expect, it } from 'vitest';
import { currentOptionsVersion, dubJobOptionsSchema, idempotencyKeyFor, readJobOptions } from '../../../src-main/core/pipeline/dub-options.js';
import { newestOptionsVersion, optionUpgrades, upgradeJobOptions } from '../../../src-main/core/pipeline/option-upgrades.js';
import { thrownCode } from '../../helpers/errors.js';

/** An option set exactly as Redub wrote it before options carried a version. */
const version1 = {
  inputPath: '/videos/talk.mp4', inputFingerprint: 'f', language: 'es', sourceLanguage: 'en', subtitlesPath: '/v/a.srt', subtitlesHash: 'h',
  translationPath: '/v/a.es.srt', translationHash: 't', voice: 'roa/es-419', outDir: '/v/out', maxSpeed: 1.35, targetLufs: -16, limits: {}, lipSyncSegments: [],
};

describe('job option upgrades', () => {
  it('number the versions 2, 3, … up to the one Redub writes', () => {
    expect(optionUpgrades.map((step) => step.version)).toEqual(Array.from({ length: optionUpgrades.length }, (_, index) => index + 2));
    expect(newestOptionsVersion).toBe(currentOptionsVersion);
  });

  it('1 → 2: an option set without provider or speech means auto and eSpeak NG with its voice', () => {
    const upgraded = upgradeJobOptions(version1) as Record<string, unknown>;
    expect(upgraded).toMatchObject({ executionProvider: 'auto', speech: { engine: 'espeak', voice: 'roa/es-419' } });
    expect(dubJobOptionsSchema.safeParse(upgraded).success).toBe(true);
    // What it already said stays as it was.
    expect(upgradeJobOptions({ ...version1, executionProvider: 'cuda', speech: { engine: 'piper', voice: 'v', modelPath: '/m.onnx' } })).toMatchObject({
      executionProvider: 'cuda', speech: { engine: 'piper', voice: 'v', modelPath: '/m.onnx' },
    });
  });

  it('2 → 3: the subtitle files\' encoding is detected and the subtitle track does not show, as before', () => {
    const upgraded = upgradeJobOptions(version1) as Record<string, unknown>;
    expect(upgraded).toMatchObject({ version: 6, subtitlesEncoding: null, subtitlesShown: false, inputUrl: null });
    expect(dubJobOptionsSchema.safeParse(upgraded).success).toBe(true);
    expect(upgradeJobOptions({ ...version1, version: 2, executionProvider: 'auto', speech: { engine: 'espeak', voice: null }, subtitlesShown: true })).toMatchObject({ version: 6, subtitlesShown: true });
  });

  it('3 → 4: an option set without a URL was a local file', () => {
    const version3 = { ...version1, version: 3, executionProvider: 'auto', speech: { engine: 'espeak', voice: null }, subtitlesEncoding: null, subtitlesShown: false };
    expect(upgradeJobOptions(version3)).toMatchObject({ inputUrl: null });
  });

  it('4 → 5: an option set without added audio had none (its segments could use only the dub)', () => {
    const version4 = { ...version1, version: 4, executionProvider: 'auto', speech: { engine: 'espeak', voice: null }, subtitlesEncoding: null, subtitlesShown: false, inputUrl: null };
    const upgraded = upgradeJobOptions(version4) as Record<string, unknown>;
    expect(upgraded).toMatchObject({ version: 6, audioRefs: [] });
    expect(dubJobOptionsSchema.safeParse(upgraded).success).toBe(true);
    // Audio a version-5 set names stays.
    const audioRefs = [{ id: 'narrator', path: '/a/voice.wav', durationMs: 1200, fingerprint: 'f' }];
    expect(readJobOptions({ ...version4, version: 5, audioRefs }).audioRefs).toEqual(audioRefs);
  });

  it('5 → 6: an option set from before separation and speakers ducked the original and spoke with one voice', () => {
    const version5 = { ...version1, version: 5, executionProvider: 'auto', speech: { engine: 'espeak', voice: null }, subtitlesEncoding: null, subtitlesShown: false, inputUrl: null, audioRefs: [] };
    const upgraded = readJobOptions(version5);
    expect(upgraded).toMatchObject({ version: 6, separation: null, diarization: null, speakerVoices: {}, voicePool: [], stems: false });
    // What the job is does not change: its key stays the one it was queued under.
    expect(idempotencyKeyFor(upgraded)).toBe(idempotencyKeyFor(version5 as never));
  });

  it('leaves an option set of the current version as it is', () => {
    const current = readJobOptions(version1);
    expect(readJobOptions(current)).toEqual(current);
  });

  it('refuses options written by a newer Redub, naming both versions', () => {
    expect(thrownCode(() => upgradeJobOptions({ ...version1, version: newestOptionsVersion + 1 }))).toBe('E_DATABASE_NEWER');
  });
});
