// A property of every declared stage, over the params a real dub gives it: changing any param
// changes the artifact key, except the params the declaration lists as output-neutral, whose
// changes leave it as it was. A param left out of the key by accident (a cache serving stale
// audio) cannot pass this.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedubCore } from '../../src-main/core/redub-core.js';
import { stageKey } from '../../src-main/core/pipeline/stage-key.js';
import { dubStages } from '../../src-main/core/pipeline/stage-registry.js';
import type { StageTask } from '../../src-main/core/worker-host/protocol.js';
import { bundledSample } from '../helpers/cli.js';
import { InProcessHost } from '../helpers/in-process-host.js';
import { importPack } from '../../src-main/core/models/import.js';
import { writeWav } from '../../src-main/core/media/wav.js';
import { writeTinyAudioPacks, writeTinyLipSyncPacks } from '../fixtures/models/tiny-packs.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';

type Leaf = { path: (string | number)[]; value: unknown };

function leaves(value: unknown, at: (string | number)[] = []): Leaf[] {
  if (Array.isArray(value)) return value.length === 0 ? [{ path: at, value }] : value.flatMap((element, index) => leaves(element, [...at, index]));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? [{ path: at, value }] : entries.flatMap(([name, inner]) => leaves(inner, [...at, name]));
  }
  return [{ path: at, value }];
}

/** `cues.0.text` as a declaration names it: `cues[].text`. */
function declaredForm(leafPath: (string | number)[]): string {
  return leafPath.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[]` : text ? `${text}.${part}` : part), '');
}

function isNeutral(leafPath: (string | number)[], neutral: readonly string[]): boolean {
  const form = declaredForm(leafPath);
  return neutral.some((field) => form === field || form.startsWith(`${field}.`) || form.startsWith(`${field}[]`));
}

function changed(value: unknown): unknown {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'string') return `${value}-changed`;
  if (typeof value === 'boolean') return !value;
  if (Array.isArray(value)) return ['added'];
  if (value === null) return 'now-set';
  return { added: true };
}

function withLeaf(value: unknown, leafPath: (string | number)[], replacement: unknown): unknown {
  if (leafPath.length === 0) return replacement;
  const [head, ...rest] = leafPath;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[head!] = withLeaf(copy[head!], rest, replacement);
  return copy;
}

describe('stage keys come from the params', { timeout: 120_000 }, () => {
  let root: string;
  let tasks: StageTask[];
  let artifactsRoot: string;
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'redub-keys-'));
    // The video comes by URL, so the download stage runs too.
    const video = readFileSync(bundledSample.video);
    const server = createServer((req, res) => {
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      const end = range?.[2] ? Number(range[2]) : video.length - 1;
      res.writeHead(range ? 206 : 200, { 'content-type': 'video/mp4', ...(range ? { 'content-range': `bytes ${start}-${end}/${video.length}` } : {}) });
      res.end(video.subarray(start, end + 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sample.mp4`;
    const host = new InProcessHost(dubStages);
    const core = new RedubCore({ dataDir: path.join(root, 'data'), workerHost: host, cpuWorkers: 1 });
    const options = await core.prepareDub({ input: url, to: ['es'], subtitles: bundledSample.sourceSubtitles, translations: { es: bundledSample.targetSubtitles }, outDir: path.join(root, 'out') });
    const { job } = core.enqueue(options)[0]!;
    // A second job has lip-sync segments, so the lip-sync stages run too: one on the dub, one on an
    // added file (fitted), with the tiny detector and model installed (the sample shows no face;
    // its frames pass through, which is all the keys need).
    const packsRoot = path.join(root, 'packs');
    // It separates the voices and finds the speakers too, with the tiny separator and speaker packs.
    for (const pack of [...writeTinyLipSyncPacks(packsRoot, 'https://tiny-packs.invalid').packs, ...writeTinyAudioPacks(packsRoot, 'https://tiny-packs.invalid').packs]) {
      await importPack(pack, path.join(packsRoot, pack.id), path.join(root, 'data'));
    }
    const take = path.join(root, 'take.wav');
    writeWav(take, [Float32Array.from({ length: 48_000 }, (_, i) => 0.3 * Math.sin(i / 10))], 48_000);
    const lipSyncOptions = await core.prepareDub({
      input: bundledSample.video,
      to: ['es'],
      subtitles: bundledSample.sourceSubtitles,
      translations: { es: bundledSample.targetSubtitles },
      outDir: path.join(root, 'out-lipsync'),
      audio: { take },
      lipsync: { segments: [{ id: 'speech', startMs: 2000, endMs: 3000, audio: { refId: 'dub' } }, { id: 'take', startMs: 5000, endMs: 5800, audio: { refId: 'take' }, fit: true }] },
    });
    const { job: lipSyncJob } = core.enqueue(lipSyncOptions)[0]!;
    const scheduler = core.createScheduler([job.id, lipSyncJob.id]);
    scheduler.start();
    const finished = await scheduler.waitFor([job.id, lipSyncJob.id]);
    await scheduler.stop();
    expect(finished.map((row) => row.state)).toEqual(['done', 'done']);
    artifactsRoot = core.cache.root;
    tasks = host.tasks;
    await core.close();
    server.close();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('has seen a task of every stage of the pipeline', () => {
    expect(new Set(tasks.map((task) => task.stage))).toEqual(new Set(dubStages.map((stage) => stage.name)));
  });

  for (const stage of dubStages) {
    it(`${stage.name}: every param but the neutral ones is in the key`, () => {
      const task = tasks.find((candidate) => candidate.stage === stage.name)!;
      const neutral = Object.keys(stage.outputNeutral);
      const base = stageKey(stage, task.params, artifactsRoot);
      // The key of the params as the worker got them is the key the runner recorded.
      expect(base).toMatch(/^[0-9a-f]{64}$/);
      const found = leaves(task.params);
      expect(found.length).toBeGreaterThan(0);
      for (const leaf of found) {
        // A change of type (null to a string) may leave the declaration unable to key it at all:
        // such params never reach it, and count as a different key.
        let key: string;
        try {
          key = stageKey(stage, withLeaf(task.params, leaf.path, changed(leaf.value)), artifactsRoot);
        } catch {
          key = 'unkeyable';
        }
        if (isNeutral(leaf.path, neutral)) expect(key, `${stage.name}: ${declaredForm(leaf.path)} is declared neutral`).toBe(base);
        else expect(key, `${stage.name}: ${declaredForm(leaf.path)} changes the output`).not.toBe(base);
      }
      // Every neutral field has a reason a person can read.
      for (const [field, reason] of Object.entries(stage.outputNeutral)) expect(reason.length, field).toBeGreaterThan(20);
    });
  }
});
