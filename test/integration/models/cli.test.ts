// `redub models` as a person runs it, against a test catalog (REDUB_MODEL_CATALOG) whose files a
// local HTTP server serves: list, install, verify, remove, and the errors' exit codes.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runRedub } from '../../helpers/cli.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { makeTestPack, servedFiles, startFileServer, type FileServer, type TestPackFiles } from './model-fixtures.js';

interface ModelsListJson {
  packs: { id: string; installed: boolean; sizeBytes: number | null; license: string; kind: string }[];
}

describe('redub models', () => {
  const temporary = useTemporaryDirectory('redub-models-cli-');
  let server: FileServer;
  let test: TestPackFiles;
  beforeAll(async () => {
    const files: Record<string, Buffer> = {};
    server = await startFileServer(files);
    test = makeTestPack(server.url, 'test-pack', [1_000, 50_000]);
    Object.assign(files, servedFiles(test));
  });
  afterAll(() => server.close());

  function environment() {
    const catalog = path.join(temporary(), 'catalog.json');
    if (!existsSync(catalog)) writeFileSync(catalog, JSON.stringify({ version: 1, packs: [test.pack] }));
    return { REDUB_MODEL_CATALOG: catalog };
  }

  const dataDir = () => path.join(temporary(), 'data');

  it('lists the catalog with installed state, installs, verifies and removes a pack', async () => {
    const env = environment();
    const before = parseJson<ModelsListJson>(await runRedub(['models', 'list', '--json', '--data-dir', dataDir()], env));
    expect(before.packs).toEqual([expect.objectContaining({ id: 'test-pack', installed: false, sizeBytes: 51_000, license: 'MIT', kind: 'asr' })]);

    const install = await runRedub(['models', 'install', 'test-pack', '--json', '--data-dir', dataDir()], env);
    expect(install.code, install.stdout + install.stderr).toBe(0);
    expect(parseJson<{ installed: { id: string; bytes: number } }>(install).installed).toMatchObject({ id: 'test-pack', bytes: 51_000 });

    const after = parseJson<ModelsListJson>(await runRedub(['models', 'list', '--json', '--data-dir', dataDir()], env));
    expect(after.packs[0]!.installed).toBe(true);

    const verify = await runRedub(['models', 'verify', '--json', '--data-dir', dataDir()], env);
    expect(verify.code).toBe(0);
    expect(parseJson<{ ok: boolean; packs: { id: string; ok: boolean }[] }>(verify)).toEqual({ ok: true, packs: [{ id: 'test-pack', ok: true, problems: [] }] });

    const remove = await runRedub(['models', 'remove', 'test-pack', '--json', '--data-dir', dataDir()], env);
    expect(parseJson(remove)).toEqual({ id: 'test-pack', removed: true });
    expect(existsSync(path.join(dataDir(), 'models', 'test-pack'))).toBe(false);
  });

  it('prints progress lines and a sentence without --json', async () => {
    const result = await runRedub(['models', 'install', 'test-pack', '--data-dir', dataDir()], environment());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/\[2\/2\] onnx\/model\.onnx 100%/);
    expect(result.stdout).toMatch(/Installed the model pack test-pack: 2 files/);
  });

  it('imports a pack from a folder, and says so', async () => {
    const folder = path.join(temporary(), 'carried');
    for (const [file, data] of Object.entries(test.contents)) {
      mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
      writeFileSync(path.join(folder, file), data);
    }
    const result = await runRedub(['models', 'import', 'test-pack', folder, '--json', '--data-dir', dataDir()], environment());
    expect(result.code, result.stdout).toBe(0);
    expect(parseJson<{ installed: { id: string; bytes: number } }>(result).installed).toMatchObject({ id: 'test-pack', bytes: 51_000 });
    const missing = await runRedub(['models', 'import', 'test-pack', path.join(temporary(), 'nowhere'), '--json', '--data-dir', dataDir()], environment());
    expect(missing.code).toBe(3);
    expect(parseJson<{ error: { code: string } }>(missing).error.code).toBe('E_MODEL_IMPORT_FAILED');
  });

  it('an unknown pack id exits 2 with E_MODEL_UNKNOWN and the close ids', async () => {
    const result = await runRedub(['models', 'install', 'test-pak', '--json', '--data-dir', dataDir()], environment());
    expect(result.code).toBe(2);
    const { error } = parseJson<{ error: { code: string; action: string } }>(result);
    expect(error.code).toBe('E_MODEL_UNKNOWN');
    expect(error.action).toContain('test-pack');
  });

  it('verifying a pack that is not installed exits 3 with E_MODEL_MISSING naming the install command', async () => {
    const result = await runRedub(['models', 'verify', 'test-pack', '--json', '--data-dir', dataDir()], environment());
    expect(result.code).toBe(3);
    const { error } = parseJson<{ error: { code: string; message: string; action: string } }>(result);
    expect(error.code).toBe('E_MODEL_MISSING');
    expect(error.message).toContain('test-pack');
    expect(error.action).toContain('redub models install test-pack');
  });

  it('a bad subcommand exits 2', async () => {
    const result = await runRedub(['models', 'frobnicate', '--json', '--data-dir', dataDir()], environment());
    expect(result.code).toBe(2);
    expect(parseJson<{ error: { code: string } }>(result).error.code).toBe('E_USAGE');
  });
});
