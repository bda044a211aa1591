// Installed packs in the data folder: listing, requirePack's E_MODEL_MISSING, removal, and
// verify() catching changed, missing and off-catalog files.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCatalog, type CatalogPack } from '../../../src-main/core/models/catalog.js';
import { commitPack, ModelStore, stagingFolder } from '../../../src-main/core/models/model-store.js';
import { hashFile } from '../../../src-main/core/models/files.js';
import { RedubError } from '../../../src-main/shared/errors.js';
import { rejectionOf } from '../../helpers/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { sha256 } from '../../integration/models/model-fixtures.js';

const contents = { 'config.json': Buffer.from('{"a":1}'), 'onnx/model.onnx': Buffer.alloc(4096, 7) };

const pack: CatalogPack = {
  id: 'opus-mt-en-es',
  kind: 'mt',
  name: 'OPUS-MT en→es',
  languages: ['en', 'es'],
  engine: 'marian',
  license: 'Apache-2.0',
  sourceUrl: 'https://example.org',
  minMemoryMb: 256,
  files: Object.entries(contents).map(([file, data]) => ({ path: file, url: `https://example.org/${file}`, size: data.length, sha256: sha256(data) })),
};

describe('ModelStore', () => {
  const temporary = useTemporaryDirectory();

  async function installed(): Promise<ModelStore> {
    const dataDir = temporary();
    const staging = path.join(stagingFolder(dataDir), 'test');
    const files = [];
    for (const [file, data] of Object.entries(contents)) {
      mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
      writeFileSync(path.join(staging, file), data);
      files.push({ path: file, ...(await hashFile(path.join(staging, file))) });
    }
    await commitPack(dataDir, pack, staging, files, 'import');
    return new ModelStore(dataDir, parseCatalog({ version: 1, packs: [pack] }));
  }

  it('requirePack names the pack and both commands that install it', () => {
    let error: RedubError | null = null;
    try {
      new ModelStore(temporary(), parseCatalog({ version: 1, packs: [pack] })).requirePack('opus-mt-en-es');
    } catch (caught) {
      error = caught as RedubError;
    }
    expect(error?.code).toBe('E_MODEL_MISSING');
    expect(error?.kind).toBe('input');
    expect(error?.message).toContain('"opus-mt-en-es" (OPUS-MT en→es)');
    expect(error?.action).toBe('Run `redub models install opus-mt-en-es`, or `redub models import opus-mt-en-es <folder-or-archive>` on an offline machine.');
  });

  it('lists installed packs, ignoring staging and stray folders, and hands out file paths', async () => {
    const store = await installed();
    mkdirSync(path.join(store.folder, 'half-copied-by-hand'));
    expect(store.listInstalled().map((manifest) => manifest.pack.id)).toEqual(['opus-mt-en-es']);
    expect(store.isInstalled('opus-mt-en-es')).toBe(true);
    expect(store.isInstalled('half-copied-by-hand')).toBe(false);
    const found = store.requirePack('opus-mt-en-es');
    expect(found.file('onnx/model.onnx')).toBe(path.join(store.folder, 'opus-mt-en-es', 'onnx', 'model.onnx'));
    expect(() => found.file('../other/x')).toThrow();
  });

  it('verify passes an intact pack', async () => {
    expect(await (await installed()).verify('opus-mt-en-es')).toEqual({ id: 'opus-mt-en-es', ok: true, problems: [] });
  });

  it('verify reports a changed file, a missing one, and one that differs from the catalog', async () => {
    const store = await installed();
    const dir = store.packFolder('opus-mt-en-es');
    writeFileSync(path.join(dir, 'config.json'), '{"a":2}');
    rmSync(path.join(dir, 'onnx', 'model.onnx'));
    const result = await store.verify('opus-mt-en-es');
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(['config.json: its SHA-256 changed since it was installed', "config.json: does not match the catalog's published SHA-256", 'onnx/model.onnx: missing or unreadable']);
  });

  it('verify checks sizes against the manifest and files the catalog lists that were never installed', async () => {
    const store = await installed();
    writeFileSync(path.join(store.packFolder('opus-mt-en-es'), 'onnx', 'model.onnx'), Buffer.alloc(10));
    const grown = { ...pack, files: [...pack.files, { path: 'extra.bin', url: 'https://example.org/extra.bin' }] };
    const result = await new ModelStore(store.dataDir, parseCatalog({ version: 1, packs: [grown] })).verify('opus-mt-en-es');
    expect(result.problems).toEqual(['extra.bin: listed in the catalog but not installed', 'onnx/model.onnx: 10 bytes, but 4096 when installed', 'onnx/model.onnx: 10 bytes, but the catalog publishes 4096']);
  });

  it('verify of a pack that is not installed is E_MODEL_MISSING', async () => {
    expect((await rejectionOf(new ModelStore(temporary()).verify('opus-mt-en-es'))).code).toBe('E_MODEL_MISSING');
  });

  it('remove takes the pack away and says whether there was one', async () => {
    const store = await installed();
    expect(await store.remove('opus-mt-en-es')).toBe(true);
    expect(store.isInstalled('opus-mt-en-es')).toBe(false);
    expect(await store.remove('opus-mt-en-es')).toBe(false);
    expect(() => store.packFolder('../escape')).toThrow(RedubError);
  });
});
