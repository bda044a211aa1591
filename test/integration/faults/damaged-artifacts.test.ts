// A damaged artifact is never served from the cache. Before the fix, a corrupt export stayed in
// the cache: deleting the output and running again reused every stage and gave back the same
// corrupt file. Now the damage is found on reuse, the artifact is made again and the job log
// says so. Also: a kill -9 of a model download leaves no installed pack, and the next install
// resumes and verifies it.
import { readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJson, runRedub, sampleDubArguments, startRedub, type DubJson } from '../../helpers/cli.js';
import { waitFor, withStore } from '../../helpers/job-watch.js';
import { videoPacketDigests } from '../../helpers/media-compare.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { makeTestPack, servedFiles, sha256, startFileServer, type FileServer } from '../models/model-fixtures.js';

describe('damaged artifacts and interrupted downloads', { timeout: 180_000 }, () => {
  const temporary = useTemporaryDirectory('redub-damaged-');
  let server: FileServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('finds an export cut short in the cache, makes it again with a warning, and publishes a good file', async () => {
    const dataDir = path.join(temporary(), 'data');
    const outDir = path.join(temporary(), 'out');
    const first = parseJson<DubJson>(await runRedub(sampleDubArguments(dataDir, outDir)));
    const job = first.jobs[0]!;
    const goodPackets = await videoPacketDigests(job.outputs.video!);
    const exportKey = withStore(dataDir, (store) => store.stages.artifactKey(job.id, 'export'))!;
    const cached = path.join(dataDir, 'artifacts', exportKey.slice(0, 2), exportKey, 'dub.mp4');
    truncateSync(cached, Math.floor(readFileSync(cached).length / 2));
    rmSync(job.outputs.video!);

    const again = await runRedub(sampleDubArguments(dataDir, outDir));
    expect(again.code, again.stderr).toBe(0);
    const redone = parseJson<DubJson>(again).jobs[0]!;
    expect(redone.stages.find((stage) => stage.name === 'export')!.reused).toBe(false);
    expect(redone.stages.find((stage) => stage.name === 'mix')!.reused).toBe(true);
    expect(await videoPacketDigests(redone.outputs.video!)).toEqual(goodPackets);
    const warnings = withStore(dataDir, (store) => store.logs.page(job.id, {}).filter((line) => line.level === 'warn' && line.stage === 'export'));
    expect(warnings.map((line) => line.message)).toEqual([expect.stringMatching(/cached export output failed its check \(dub\.mp4 is \d+ bytes/)]);
  });

  it('after kill -9 mid-download, nothing is installed; the next install resumes and verifies', async () => {
    const files: Record<string, Buffer> = {};
    // The model file (1.2 MB; the config is smaller) first arrives in part, then the server goes silent: the download is mid-file when killed.
    server = await startFileServer(files, { stallAfter: 400_000 });
    const test = makeTestPack(server.url);
    Object.assign(files, servedFiles(test));
    const catalog = path.join(temporary(), 'catalog.json');
    writeFileSync(catalog, JSON.stringify({ version: 1, packs: [test.pack] }));
    const env = { REDUB_MODEL_CATALOG: catalog };
    const dataDir = path.join(temporary(), 'data');

    const install = startRedub(['models', 'install', test.pack.id, '--data-dir', dataDir, '--json'], env);
    const staging = path.join(dataDir, 'models', '.staging');
    const part = path.join(staging, `${test.pack.id}.download`, 'onnx', 'model.onnx.part');
    await waitFor('the model file to stall part-way', () => statSync(part).size >= 400_000, 30_000);
    install.child.kill('SIGKILL');
    await install.done;
    expect(readdirSync(path.join(dataDir, 'models')).filter((name) => !name.startsWith('.'))).toEqual([]);

    const resumed = await runRedub(['models', 'install', test.pack.id, '--data-dir', dataDir, '--json'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    for (const [file, data] of Object.entries(test.contents)) expect(sha256(readFileSync(path.join(dataDir, 'models', test.pack.id, file)))).toBe(sha256(data));
    // The model file resumed where the killed run left it, not from byte 0.
    expect(server.requests.filter((request) => request.path.endsWith('model.onnx')).map((request) => request.range)).toEqual([undefined, 'bytes=400000-']);
    const verified = await runRedub(['models', 'verify', test.pack.id, '--data-dir', dataDir, '--json'], env);
    expect(verified.code, verified.stdout).toBe(0);
  });
});
