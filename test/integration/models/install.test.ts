// Installing model packs from a local HTTP server: verified downloads that appear only when
// complete, resumption after a dropped connection, servers without range support, corrupt files
// and missing ones.
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadFile } from '../../../src-main/core/models/download.js';
import { downloadStagingFolder, installPack } from '../../../src-main/core/models/install.js';
import { ModelStore } from '../../../src-main/core/models/model-store.js';
import { rejectionOf } from '../../helpers/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { makeTestPack, servedFiles, sha256, startFileServer, type FileServer, type FileServerOptions, type TestPackFiles } from './model-fixtures.js';

describe('installPack', () => {
  const temporary = useTemporaryDirectory('redub-models-');
  let server: FileServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  async function serve(options: FileServerOptions = {}, corrupt = false): Promise<TestPackFiles> {
    const files: Record<string, Buffer> = {};
    server = await startFileServer(files, options);
    const test = makeTestPack(server.url);
    Object.assign(files, servedFiles(test));
    if (corrupt) {
      const tampered = Buffer.from(files['/test-pack/onnx/model.onnx']!);
      tampered[1000] = tampered[1000]! ^ 0xff;
      files['/test-pack/onnx/model.onnx'] = tampered;
    }
    return test;
  }

  function expectInstalledCorrectly(dataDir: string, test: TestPackFiles) {
    const dir = path.join(dataDir, 'models', test.pack.id);
    for (const [file, data] of Object.entries(test.contents)) expect(sha256(readFileSync(path.join(dir, file)))).toBe(sha256(data));
    const manifest = JSON.parse(readFileSync(path.join(dir, 'pack.json'), 'utf8')) as { files: { path: string; sha256: string }[]; pack: { id: string }; installedAt: string };
    expect(manifest.pack.id).toBe(test.pack.id);
    expect(manifest.files.map((file) => file.sha256).sort()).toEqual(Object.values(test.contents).map(sha256).sort());
    expect(Date.parse(manifest.installedAt)).not.toBeNaN();
    expect(existsSync(downloadStagingFolder(dataDir, test.pack.id))).toBe(false);
  }

  it('downloads every file, verifies it, and shows the pack folder only once complete', async () => {
    const test = await serve();
    const dataDir = temporary();
    const finalDir = path.join(dataDir, 'models', test.pack.id);
    const seen: { bytesDone: number; bytesTotal: number | null; visible: boolean }[] = [];
    const result = await installPack(test.pack, dataDir, { onProgress: (progress) => seen.push({ ...progress, visible: existsSync(finalDir) }) });

    expect(result.dir).toBe(finalDir);
    expect(result.bytes).toBe(1_500_000);
    expectInstalledCorrectly(dataDir, test);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((progress) => !progress.visible)).toBe(true);
    expect(seen.every((progress) => progress.bytesTotal === 1_500_000)).toBe(true);
    expect(seen.at(-1)!.bytesDone).toBe(1_500_000);
    expect(seen.map((progress) => progress.bytesDone)).toEqual([...seen.map((progress) => progress.bytesDone)].sort((a, b) => a - b));
    expect(server!.requests.every((request) => request.range === undefined)).toBe(true);
    expect(new ModelStore(dataDir).listInstalled().map((manifest) => manifest.pack.id)).toEqual(['test-pack']);
    expect((await new ModelStore(dataDir).verify('test-pack')).ok).toBe(true);
  });

  it('resumes with a Range request after the server drops the connection mid-file', async () => {
    const test = await serve({ dropAfter: 200_000 });
    const dataDir = temporary();
    await installPack(test.pack, dataDir, { retryDelayMs: 10 });

    expectInstalledCorrectly(dataDir, test);
    const modelRequests = server!.requests.filter((request) => request.path.endsWith('model.onnx'));
    expect(modelRequests[0]).toMatchObject({ range: undefined, status: 200 });
    expect(modelRequests.some((request) => request.status === 206 && /^bytes=\d+-$/.test(request.range ?? '') && Number(/\d+/.exec(request.range!)![0]) > 0)).toBe(true);
  });

  it('resumes a .part left by an interrupted earlier run', async () => {
    const test = await serve();
    const dataDir = temporary();
    const staging = downloadStagingFolder(dataDir, test.pack.id);
    mkdirSync(path.join(staging, 'onnx'), { recursive: true });
    writeFileSync(path.join(staging, 'onnx', 'model.onnx.part'), test.contents['onnx/model.onnx']!.subarray(0, 500_000));
    await installPack(test.pack, dataDir);

    expectInstalledCorrectly(dataDir, test);
    expect(server!.requests.find((request) => request.path.endsWith('model.onnx'))).toMatchObject({ range: 'bytes=500000-', status: 206 });
  });

  it('starts from zero when the server ignores Range and answers 200, and still gets the file right', async () => {
    const test = await serve({ dropAfter: 200_000, ignoreRange: true });
    const dataDir = temporary();
    await installPack(test.pack, dataDir, { retryDelayMs: 10 });

    expectInstalledCorrectly(dataDir, test);
    const modelRequests = server!.requests.filter((request) => request.path.endsWith('model.onnx'));
    expect(modelRequests.length).toBeGreaterThanOrEqual(2);
    expect(modelRequests[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(modelRequests.every((request) => request.status === 200)).toBe(true);
  });

  it('drops a connection that goes silent and resumes it', async () => {
    const test = await serve({ stallAfter: 100_000 });
    const dataDir = temporary();
    await installPack(test.pack, dataDir, { retryDelayMs: 10, idleTimeoutMs: 300 });

    expectInstalledCorrectly(dataDir, test);
    expect(server!.requests.filter((request) => request.path.endsWith('model.onnx')).map((request) => request.range)).toEqual([undefined, 'bytes=100000-']);
  });

  it('cancelled part-way, keeps what arrived; the next install resumes from there', async () => {
    const stalling: FileServerOptions = { stallAfter: 150_000 };
    const test = await serve(stalling);
    const dataDir = temporary();
    const controller = new AbortController();
    const error = await rejectionOf(
      installPack(test.pack, dataDir, {
        signal: controller.signal,
        onProgress: ({ file, bytesDone }) => {
          // Abort a moment later, with the server silent, so every byte received is on disk.
          if (file === 'config.json' && bytesDone >= 150_000) setTimeout(() => controller.abort(), 100);
        },
      }),
    );
    expect(error.code).toBe('E_CANCELLED');
    expect(error.action).toMatch(/resumes/);
    expect(existsSync(path.join(dataDir, 'models', test.pack.id))).toBe(false);
    expect(readFileSync(path.join(downloadStagingFolder(dataDir, test.pack.id), 'config.json.part')).length).toBe(150_000);

    delete stalling.stallAfter;
    await installPack(test.pack, dataDir);
    expectInstalledCorrectly(dataDir, test);
    const requests = server!.requests.map((request) => `${request.path} ${request.range ?? '-'}`);
    expect(requests).toEqual(['/test-pack/config.json -', '/test-pack/config.json bytes=150000-', '/test-pack/onnx/model.onnx -']);
  });

  it('refuses a second install of the same pack while one is running', async () => {
    const test = await serve({ stallAfter: 1_000 });
    const dataDir = temporary();
    const controller = new AbortController();
    const first = installPack(test.pack, dataDir, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const error = await rejectionOf(installPack(test.pack, dataDir));
    expect(error.code).toBe('E_MODEL_DOWNLOAD_FAILED');
    expect(error.message).toMatch(/already installing/);
    controller.abort();
    expect((await rejectionOf(first)).code).toBe('E_CANCELLED');
  });

  it('rejects a file that does not match its published checksum: E_MODEL_CORRUPT, nothing installed, no leftovers', async () => {
    const test = await serve({}, true);
    const dataDir = temporary();
    const error = await rejectionOf(installPack(test.pack, dataDir));

    expect(error.code).toBe('E_MODEL_CORRUPT');
    expect(error.message).toMatch(/does not match its published checksum/);
    expect(existsSync(path.join(dataDir, 'models', test.pack.id))).toBe(false);
    expect(readdirSync(path.join(dataDir, 'models', '.staging'))).toEqual([]);
    expect(new ModelStore(dataDir).isInstalled(test.pack.id)).toBe(false);
  });

  it('turns a 404 into E_MODEL_DOWNLOAD_FAILED with the status', async () => {
    const test = await serve();
    const missing = { ...test.pack, files: [...test.pack.files, { path: 'gone.bin', url: `${server!.url}/test-pack/gone.bin` }] };
    const dataDir = temporary();
    const error = await rejectionOf(installPack(missing, dataDir));

    expect(error.code).toBe('E_MODEL_DOWNLOAD_FAILED');
    expect(error.message).toContain('404');
    expect(error.details).toContain('HTTP 404');
    expect(existsSync(path.join(dataDir, 'models', test.pack.id))).toBe(false);
  });

  it('treats 416 on a complete part as done, then verifies it', async () => {
    const test = await serve();
    const dataDir = temporary();
    const data = test.contents['config.json']!;
    const target = path.join(dataDir, 'config.json');
    writeFileSync(`${target}.part`, data);
    // No expected size: the downloader must ask, and the server answers that nothing is left.
    const result = await downloadFile(test.pack.files[0]!.url, target, { expectedSha256: sha256(data) });

    expect(result.sha256).toBe(sha256(data));
    expect(server!.requests).toEqual([{ path: '/test-pack/config.json', range: `bytes=${data.length}-`, status: 416 }]);
    expect(existsSync(`${target}.part`)).toBe(false);
  });

  it('gives up after a few failed attempts with E_MODEL_DOWNLOAD_FAILED and keeps the part for next time', async () => {
    const dataDir = temporary();
    const error = await rejectionOf(downloadFile('http://127.0.0.1:9/unreachable.bin', path.join(dataDir, 'x.bin'), { retries: 2, retryDelayMs: 5 }));
    expect(error.code).toBe('E_MODEL_DOWNLOAD_FAILED');
    expect(error.details.join(' ')).toMatch(/connect/i);
  });
});
