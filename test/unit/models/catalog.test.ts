// The model catalog's schema, loading (REDUB_MODEL_CATALOG included) and pack lookup with
// suggestions for typos; and that the catalog Redub ships passes the same checks.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeIds, defaultCatalogPath, findPack, loadCatalog, packSize, parseCatalog, type CatalogPack } from '../../../src-main/core/models/catalog.js';
import { packageRoot } from '../../../src-main/core/package-root.js';
import { RedubError } from '../../../src-main/shared/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const pack = (overrides: Partial<CatalogPack> = {}): CatalogPack => ({
  id: 'whisper-tiny',
  kind: 'asr',
  name: 'Whisper tiny',
  languages: ['*'],
  engine: 'whisper',
  license: 'MIT',
  sourceUrl: 'https://huggingface.co/onnx-community/whisper-tiny',
  minMemoryMb: 512,
  files: [{ path: 'onnx/encoder.onnx', url: 'https://example.org/encoder.onnx', size: 10, sha256: 'A'.repeat(64) }],
  ...overrides,
});

function issuesOf(value: unknown): string[] {
  try {
    parseCatalog(value);
  } catch (error) {
    expect(error).toBeInstanceOf(RedubError);
    return (error as RedubError).details;
  }
  return [];
}

describe('catalog schema', () => {
  it('accepts a valid catalog and lower-cases checksums', () => {
    const catalog = parseCatalog({ version: 1, packs: [pack(), pack({ id: 'silero-vad', kind: 'vad', notes: 'bundled', files: [{ path: 'vad.onnx', url: 'https://example.org/vad.onnx' }] })] });
    expect(catalog.packs[0]!.files[0]!.sha256).toBe('a'.repeat(64));
    expect(packSize(catalog.packs[0]!)).toBe(10);
    expect(packSize(catalog.packs[1]!)).toBeNull();
  });

  it.each([
    ['a wrong version', { version: 2, packs: [] }, /version/],
    ['an unknown kind', { version: 1, packs: [pack({ kind: 'ocr' as never })] }, /packs\.0\.kind/],
    ['a path that climbs out', { version: 1, packs: [pack({ files: [{ path: '../x.onnx', url: 'https://example.org/x' }] })] }, /files\.0\.path/],
    ['an absolute path', { version: 1, packs: [pack({ files: [{ path: '/x.onnx', url: 'https://example.org/x' }] })] }, /files\.0\.path/],
    ['a short checksum', { version: 1, packs: [pack({ files: [{ path: 'x', url: 'https://example.org/x', sha256: 'abc' }] })] }, /sha256/],
    ['a url that is not one', { version: 1, packs: [pack({ files: [{ path: 'x', url: 'not a url' }] })] }, /url/],
    ['an id with a slash', { version: 1, packs: [pack({ id: 'a/b' })] }, /packs\.0\.id/],
    ['a pack without files', { version: 1, packs: [pack({ files: [] })] }, /files/],
    ['the same id twice', { version: 1, packs: [pack(), pack()] }, /same pack id/],
    ['the same file twice', { version: 1, packs: [pack({ files: [pack().files[0]!, pack().files[0]!] })] }, /same file path/],
  ])('rejects %s, naming the field', (_label, value, pattern) => {
    expect(issuesOf(value).join('\n')).toMatch(pattern);
  });
});

describe('loadCatalog', () => {
  const temporary = useTemporaryDirectory();
  const saved = process.env.REDUB_MODEL_CATALOG;
  afterEach(() => {
    if (saved === undefined) delete process.env.REDUB_MODEL_CATALOG;
    else process.env.REDUB_MODEL_CATALOG = saved;
  });

  it('reads the file REDUB_MODEL_CATALOG names, else models/catalog.json in the package', () => {
    delete process.env.REDUB_MODEL_CATALOG;
    expect(defaultCatalogPath()).toBe(path.join(packageRoot(), 'models', 'catalog.json'));
    const file = path.join(temporary(), 'catalog.json');
    writeFileSync(file, JSON.stringify({ version: 1, packs: [pack()] }));
    process.env.REDUB_MODEL_CATALOG = file;
    expect(loadCatalog().packs.map((entry) => entry.id)).toEqual(['whisper-tiny']);
  });

  it('says which file is missing or not JSON', () => {
    expect(() => loadCatalog(path.join(temporary(), 'none.json'))).toThrow(/cannot be read/);
    const file = path.join(temporary(), 'bad.json');
    writeFileSync(file, '{ nope');
    expect(() => loadCatalog(file)).toThrow(/not valid JSON/);
  });

  it.skipIf(!existsSync(path.join(packageRoot(), 'models', 'catalog.json')))('the shipped models/catalog.json is valid', () => {
    const catalog = loadCatalog(path.join(packageRoot(), 'models', 'catalog.json'));
    expect(catalog.packs.length).toBeGreaterThan(0);
  });
});

describe('findPack', () => {
  const catalog = parseCatalog({ version: 1, packs: ['whisper-tiny', 'whisper-base', 'opus-mt-en-es', 'opus-mt-en-fr', 'silero-vad'].map((id) => pack({ id })) });

  it('finds a pack by id', () => {
    expect(findPack(catalog, 'silero-vad').id).toBe('silero-vad');
  });

  it('throws E_MODEL_UNKNOWN suggesting close ids', () => {
    let error: RedubError | null = null;
    try {
      findPack(catalog, 'whisper-tiney');
    } catch (caught) {
      error = caught as RedubError;
    }
    expect(error?.code).toBe('E_MODEL_UNKNOWN');
    expect(error?.message).toContain('whisper-tiney');
    expect(error?.action).toContain('"whisper-tiny"');
    expect(closeIds('opus-mt-en-de', catalog.packs.map((entry) => entry.id))).toEqual(['opus-mt-en-es', 'opus-mt-en-fr']);
    expect(closeIds('whisper', catalog.packs.map((entry) => entry.id))).toEqual(expect.arrayContaining(['whisper-tiny', 'whisper-base']));
    expect(closeIds('zzzzzz', catalog.packs.map((entry) => entry.id))).toEqual([]);
  });
});
