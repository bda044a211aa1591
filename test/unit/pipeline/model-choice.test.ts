import { describe, expect, it } from 'vitest';
import type { CatalogPack } from '../../../src-main/core/models/catalog.js';
import type { InstalledPack, PackManifest } from '../../../src-main/core/models/model-store.js';
import { chooseTranscriber, chooseTranslators, pickTranslator, type InstalledModels } from '../../../src-main/core/pipeline/model-choice.js';
import { thrownCode } from '../../helpers/errors.js';
import { RedubError } from '../../../src-main/shared/errors.js';

function pack(id: string, kind: CatalogPack['kind'], engine: string, languages: string[], minMemoryMb = 100): CatalogPack {
  return { id, kind, engine, languages, name: id, license: 'MIT', sourceUrl: 'https://example.invalid', minMemoryMb, files: [{ path: 'a', url: 'https://example.invalid/a' }] };
}

const catalog = [
  pack('whisper-tiny', 'asr', 'whisper', ['*'], 512),
  pack('whisper-base', 'asr', 'whisper', ['*'], 1024),
  pack('whisper-small', 'asr', 'whisper', ['*'], 2048),
  pack('nllb-200-distilled-600m', 'mt', 'nllb', ['*'], 3072),
  pack('opus-mt-en-es', 'mt', 'marian', ['en', 'es']),
  pack('opus-mt-es-en', 'mt', 'marian', ['es', 'en']),
  pack('opus-mt-en-de', 'mt', 'marian', ['en', 'de']),
  pack('piper-es', 'tts', 'piper', ['es']),
];

function models(installed: string[]): InstalledModels {
  const manifests: PackManifest[] = installed.map((id) => ({ manifestVersion: 1, pack: catalog.find((candidate) => candidate.id === id)!, installedAt: '2026-01-01T00:00:00Z', source: 'import', files: [] }));
  return {
    listInstalled: () => manifests,
    requirePack: (id: string): InstalledPack => {
      const manifest = manifests.find((candidate) => candidate.pack.id === id);
      if (!manifest) throw new RedubError('E_MODEL_MISSING', { message: `The model pack "${id}" is not installed.` });
      return { id, dir: `/models/${id}`, manifest, file: (file) => `/models/${id}/${file}` };
    },
    catalogPacks: () => catalog,
  };
}

function errorOf(action: () => unknown): RedubError {
  try {
    action();
  } catch (error) {
    return error as RedubError;
  }
  throw new Error('expected an error');
}

describe('chooseTranscriber', () => {
  it('takes the largest installed Whisper, or the one named', () => {
    expect(chooseTranscriber(models(['whisper-tiny', 'whisper-small', 'piper-es']))).toEqual({ engine: 'whisper', packId: 'whisper-small', packDir: '/models/whisper-small' });
    expect(chooseTranscriber(models(['whisper-tiny', 'whisper-small']), 'whisper-tiny').packId).toBe('whisper-tiny');
    expect(thrownCode(() => chooseTranscriber(models(['piper-es']), 'piper-es'))).toBe('E_USAGE');
    expect(thrownCode(() => chooseTranscriber(models([]), 'whisper-base'))).toBe('E_MODEL_MISSING');
  });

  it('names the pack to install when none is', () => {
    const error = errorOf(() => chooseTranscriber(models(['piper-es'])));
    expect(error.code).toBe('E_MODEL_MISSING');
    expect(error.action).toContain('`redub models install whisper-base`');
    expect(errorOf(() => chooseTranscriber(null)).action).toContain('whisper-base');
  });
});

describe('chooseTranslators', () => {
  it('prefers the Marian pair over NLLB for a known source, and needs nothing for the same language', () => {
    const installed = models(['nllb-200-distilled-600m', 'opus-mt-en-es', 'opus-mt-es-en']);
    expect(chooseTranslators(installed, 'en', 'es').map((choice) => choice.packId)).toEqual(['opus-mt-en-es', 'nllb-200-distilled-600m']);
    expect(chooseTranslators(installed, 'en', 'fr').map((choice) => choice.packId)).toEqual(['nllb-200-distilled-600m']);
    expect(chooseTranslators(installed, 'en-US', 'en')).toEqual([]);
  });

  it('keeps every pack into the target while the source is still unknown', () => {
    const installed = models(['opus-mt-en-es', 'opus-mt-en-de', 'nllb-200-distilled-600m']);
    const candidates = chooseTranslators(installed, null, 'es');
    expect(candidates.map((choice) => choice.packId)).toEqual(['opus-mt-en-es', 'nllb-200-distilled-600m']);
    expect(pickTranslator(candidates, 'fr', 'es').packId).toBe('nllb-200-distilled-600m');
    expect(pickTranslator(candidates, 'en', 'es').packId).toBe('opus-mt-en-es');
  });

  it('names the Marian pair and NLLB when nothing covers the languages', () => {
    const error = errorOf(() => chooseTranslators(models(['opus-mt-es-en']), 'en', 'es'));
    expect(error.code).toBe('E_MODEL_MISSING');
    expect(error.action).toContain('`redub models install opus-mt-en-es` or `redub models install nllb-200-distilled-600m`');
    const late = errorOf(() => pickTranslator(chooseTranslators(models(['opus-mt-en-es']), null, 'es'), 'de', 'es', catalog));
    expect(late.code).toBe('E_MODEL_MISSING');
    expect(late.message).toContain('from de into es');
  });

  it('checks a named translator covers the languages', () => {
    const installed = models(['opus-mt-en-es', 'whisper-base']);
    expect(chooseTranslators(installed, 'en', 'es', 'opus-mt-en-es').map((choice) => choice.packId)).toEqual(['opus-mt-en-es']);
    expect(thrownCode(() => chooseTranslators(installed, 'en', 'de', 'opus-mt-en-es'))).toBe('E_LANGUAGE_UNSUPPORTED');
    expect(thrownCode(() => chooseTranslators(installed, 'en', 'es', 'whisper-base'))).toBe('E_USAGE');
  });
});
