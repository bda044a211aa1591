// Importing packs on an offline machine: from a folder, from a .tar.gz with the files under one
// top folder, and the archives that must be refused (traversal, missing or damaged files, zip).
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPack } from '../../../src-main/core/models/import.js';
import { ModelStore } from '../../../src-main/core/models/model-store.js';
import { rejectionOf } from '../../helpers/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { makeTar, makeTarGz, makeTestPack, sha256, type TestPackFiles } from './model-fixtures.js';

describe('importPack', () => {
  const temporary = useTemporaryDirectory('redub-models-');
  const test: TestPackFiles = makeTestPack('https://example.invalid', 'test-pack', [2_000, 70_000]);

  function writeFolder(folder: string, contents: Record<string, Buffer> = test.contents) {
    for (const [file, data] of Object.entries(contents)) {
      mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
      writeFileSync(path.join(folder, file), data);
    }
    return folder;
  }

  function expectImported(dataDir: string) {
    const dir = path.join(dataDir, 'models', test.pack.id);
    for (const [file, data] of Object.entries(test.contents)) expect(sha256(readFileSync(path.join(dir, file)))).toBe(sha256(data));
    const manifest = new ModelStore(dataDir).requirePack(test.pack.id).manifest;
    expect(manifest.source).toBe('import');
    expect(readdirSync(path.join(dataDir, 'models', '.staging'))).toEqual([]);
  }

  function expectNothingInstalled(dataDir: string) {
    expect(existsSync(path.join(dataDir, 'models', test.pack.id))).toBe(false);
    const staging = path.join(dataDir, 'models', '.staging');
    expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([]);
  }

  it('imports from a folder holding the files at its root', async () => {
    const dataDir = path.join(temporary(), 'data');
    const result = await importPack(test.pack, writeFolder(path.join(temporary(), 'pack')), dataDir);
    expect(result.bytes).toBe(72_000);
    expectImported(dataDir);
    expect((await new ModelStore(dataDir).verify(test.pack.id)).ok).toBe(true);
  });

  it('imports from a folder that wraps the files in one top folder', async () => {
    const dataDir = path.join(temporary(), 'data');
    const outer = path.join(temporary(), 'download');
    writeFolder(path.join(outer, 'test-pack-v1'));
    await importPack(test.pack, outer, dataDir);
    expectImported(dataDir);
  });

  it('imports from a .tar.gz with one top folder and a pax long name, ignoring extra entries', async () => {
    const dataDir = path.join(temporary(), 'data');
    const archive = path.join(temporary(), 'test-pack.tar.gz');
    const longName = `test-pack/${'deep/'.repeat(30)}readme.txt`;
    writeFileSync(
      archive,
      makeTarGz([
        { path: 'test-pack/', type: '5' },
        { path: 'test-pack/config.json', content: test.contents['config.json']! },
        { path: 'test-pack/onnx/', type: '5' },
        { path: 'test-pack/onnx/model.onnx', content: test.contents['onnx/model.onnx']! },
        { path: longName, content: Buffer.from('extra') },
      ]),
    );
    await importPack(test.pack, archive, dataDir);
    expectImported(dataDir);
  });

  it('imports from a plain .tar with the files at the root', async () => {
    const dataDir = path.join(temporary(), 'data');
    const archive = path.join(temporary(), 'test-pack.tar');
    writeFileSync(archive, makeTar(Object.entries(test.contents).map(([file, content]) => ({ path: `./${file}`, content }))));
    await importPack(test.pack, archive, dataDir);
    expectImported(dataDir);
  });

  it('rejects an archive with a path-traversal entry before writing anything outside', async () => {
    const dataDir = path.join(temporary(), 'data');
    const archive = path.join(temporary(), 'evil.tar.gz');
    writeFileSync(archive, makeTarGz([...Object.entries(test.contents).map(([file, content]) => ({ path: file, content })), { path: '../../escaped.txt', content: Buffer.from('gotcha') }]));
    const error = await rejectionOf(importPack(test.pack, archive, dataDir));
    expect(error.code).toBe('E_MODEL_IMPORT_FAILED');
    expect(error.message).toContain('../../escaped.txt');
    expect(existsSync(path.join(temporary(), 'escaped.txt'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'escaped.txt'))).toBe(false);
    expectNothingInstalled(dataDir);
  });

  it('names a missing file', async () => {
    const dataDir = path.join(temporary(), 'data');
    const folder = writeFolder(path.join(temporary(), 'pack'), { 'config.json': test.contents['config.json']! });
    const error = await rejectionOf(importPack(test.pack, folder, dataDir));
    expect(error.code).toBe('E_MODEL_IMPORT_FAILED');
    expect(error.message).toContain('onnx/model.onnx');
    expectNothingInstalled(dataDir);
  });

  it('names a file whose checksum does not match the catalog', async () => {
    const dataDir = path.join(temporary(), 'data');
    const tampered = Buffer.from(test.contents['onnx/model.onnx']!);
    tampered[10] = tampered[10]! ^ 1;
    const folder = writeFolder(path.join(temporary(), 'pack'), { ...test.contents, 'onnx/model.onnx': tampered });
    const error = await rejectionOf(importPack(test.pack, folder, dataDir));
    expect(error.code).toBe('E_MODEL_IMPORT_FAILED');
    expect(error.message).toContain('onnx/model.onnx');
    expect(error.details.join('\n')).toMatch(/SHA-256/);
    expectNothingInstalled(dataDir);
  });

  it('says zip is unsupported and to extract it first', async () => {
    const archive = path.join(temporary(), 'pack.zip');
    writeFileSync(archive, Buffer.from('PK\x03\x04rest-of-a-zip'));
    const error = await rejectionOf(importPack(test.pack, archive, path.join(temporary(), 'data')));
    expect(error.code).toBe('E_MODEL_IMPORT_FAILED');
    expect(error.message).toMatch(/unsupported.*extract it first/i);
  });

  it('rejects a file that is not an archive, and a path that does not exist', async () => {
    const notTar = path.join(temporary(), 'pack.tar');
    writeFileSync(notTar, Buffer.alloc(2048, 'x'));
    expect((await rejectionOf(importPack(test.pack, notTar, path.join(temporary(), 'data')))).code).toBe('E_MODEL_IMPORT_FAILED');
    expect((await rejectionOf(importPack(test.pack, path.join(temporary(), 'nope'), path.join(temporary(), 'data')))).code).toBe('E_MODEL_IMPORT_FAILED');
  });
});
