// Pruning the artifact cache to a budget: least recently used first, never what a queued or
// running job needs, never a job's published outputs; a finished job whose artifacts were pruned
// still re-renders correctly after an edit; --dry-run lists what would go and removes nothing.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pruneArtifacts } from '../../src-main/core/housekeeping/prune-artifacts.js';
import { ArtifactCache } from '../../src-main/core/pipeline/artifact-cache.js';
import { openDatabase } from '../../src-main/core/store/database.js';
import { Store } from '../../src-main/core/store/store.js';
import { bundledSample, parseJson, runRedub, sampleDubArguments, type DubJson } from '../helpers/cli.js';
import { withStore } from '../helpers/job-watch.js';
import { useTemporaryDirectory } from '../helpers/temporary-directory.js';

const day = 24 * 3600_000;

describe('pruning the artifact cache', { timeout: 180_000 }, () => {
  const temporary = useTemporaryDirectory('redub-prune-');

  function cacheWith(ages: Record<string, number>, now: number) {
    const dir = temporary();
    const store = new Store(openDatabase(path.join(dir, 'redub.db')), { clock: () => now });
    const cache = new ArtifactCache(path.join(dir, 'artifacts'));
    const keys: Record<string, string> = {};
    for (const [name, ageMs] of Object.entries(ages)) {
      const key = ArtifactCache.keyFor('mix', 1, name);
      const temporaryFolder = cache.createTemporary(key);
      writeFileSync(path.join(temporaryFolder, 'mix.wav'), Buffer.alloc(1000));
      const committed = cache.commit(key, temporaryFolder, { name });
      store.artifacts.record({ key, stage: 'mix', path: committed.directory, bytes: committed.bytes });
      store.db.prepare('UPDATE artifacts SET last_used_ms = ? WHERE key = ?').run(now - ageMs, key);
      keys[name] = key;
    }
    return { store, cache, keys, bytes: store.artifacts.get(keys[Object.keys(ages)[0]!]!)!.bytes };
  }

  it('removes the least recently used first until the cache fits, and anything past the age limit', () => {
    const now = Date.now();
    const { store, cache, keys, bytes } = cacheWith({ oldest: 5 * day, older: 3 * day, newer: 2 * day, newest: 1 * day }, now);
    const sizes = Object.fromEntries(store.artifacts.list().map((record) => [record.key, record.bytes]));
    const report = pruneArtifacts(store, cache, { maxBytes: bytes * 2, maxAgeMs: 4 * day }, { now });
    expect(report.artifacts.map((artifact) => [artifact.key, artifact.reason])).toEqual([[keys.oldest, 'age'], [keys.older, 'size']]);
    expect(cache.has(keys.oldest!)).toBe(false);
    expect(cache.has(keys.older!)).toBe(false);
    expect(cache.has(keys.newer!) && cache.has(keys.newest!)).toBe(true);
    expect(store.artifacts.list().map((record) => record.key).sort()).toEqual([keys.newer, keys.newest].sort());
    expect(report.freedBytes).toBe(sizes[keys.oldest!]! + sizes[keys.older!]!);
  });

  it('never removes what the last run of a queued or running job used, nor what was used minutes ago', () => {
    const now = Date.now();
    const { store, cache, keys } = cacheWith({ needed: 9 * day, recent: 60_000, spare: 8 * day }, now);
    const job = store.jobs.enqueue({ idempotencyKey: 'k', inputPath: '/v.mp4', language: 'es', sourceLanguage: null, options: {} }).job;
    store.stages.upsert(job.id, 'mix', { state: 'done', artifactKey: keys.needed! });
    const report = pruneArtifacts(store, cache, { maxBytes: 0, maxAgeMs: day }, { now });
    expect(report.artifacts.map((artifact) => artifact.key)).toEqual([keys.spare]);
    expect(report.protectedCount).toBe(2);
    expect(cache.has(keys.needed!) && cache.has(keys.recent!)).toBe(true);
  });

  it('through the CLI: --dry-run lists and keeps; a real prune removes; outputs stay; an edited job re-renders from what is left', async () => {
    const dataDir = path.join(temporary(), 'data');
    const outDir = path.join(temporary(), 'out');
    const first = parseJson<DubJson>(await runRedub(sampleDubArguments(dataDir, outDir)));
    const job = first.jobs[0]!;
    // A budget of nothing, and every artifact old enough to go.
    withStore(dataDir, (store) => {
      store.settings.set('app.settings', { artifactBudgetGb: 0.1, artifactMaxAgeDays: 1 });
      store.db.prepare('UPDATE artifacts SET last_used_ms = ?').run(Date.now() - 2 * day);
    });
    const artifactsBefore = withStore(dataDir, (store) => store.artifacts.list().length);
    expect(artifactsBefore).toBeGreaterThan(5);

    const dry = await runRedub(['prune', '--dry-run', '--json', '--data-dir', dataDir]);
    expect(dry.code, dry.stderr).toBe(0);
    const planned = parseJson<{ dryRun: boolean; artifacts: { stage: string; bytes: number }[]; freedBytes: number }>(dry);
    expect(planned.dryRun).toBe(true);
    expect(planned.artifacts).toHaveLength(artifactsBefore);
    expect(planned.freedBytes).toBeGreaterThan(0);
    expect(withStore(dataDir, (store) => store.artifacts.list().length)).toBe(artifactsBefore);

    const human = await runRedub(['prune', '--dry-run', '--data-dir', dataDir]);
    expect(human.stdout).toMatch(/^Would remove \d+ artifacts, .+ in all/);

    const real = parseJson<{ dryRun: boolean; artifacts: unknown[] }>(await runRedub(['prune', '--json', '--data-dir', dataDir]));
    expect(real.dryRun).toBe(false);
    expect(real.artifacts).toHaveLength(artifactsBefore);
    expect(withStore(dataDir, (store) => store.artifacts.list())).toEqual([]);
    const artifactFolders = readdirSync(path.join(dataDir, 'artifacts')).filter((name) => name !== 'tmp' && name !== 'items');
    expect(artifactFolders.flatMap((folder) => readdirSync(path.join(dataDir, 'artifacts', folder)))).toEqual([]);
    // The user's files are theirs.
    for (const file of Object.values(job.outputs)) expect(existsSync(file!)).toBe(true);

    // An edit (a changed translation) after pruning: everything is made again, correctly (the
    // probe too, before the job is queued: it is kept for the job and so reads as reused).
    const edited = path.join(temporary(), 'edited.es.srt');
    writeFileSync(edited, readFileSync(bundledSample.targetSubtitles, 'utf8').replace(/\S+/, 'Cambiado'));
    const again = await runRedub(sampleDubArguments(dataDir, outDir, { ...bundledSample, targetSubtitles: edited }));
    expect(again.code, again.stderr).toBe(0);
    const redone = parseJson<DubJson>(again).jobs[0]!;
    expect(redone.state).toBe('done');
    expect(redone.stages.filter((stage) => stage.name !== 'probe').every((stage) => !stage.reused)).toBe(true);
    expect(redone.stages.find((stage) => stage.name === 'probe')).toMatchObject({ state: 'done', reused: true });
  });
});
