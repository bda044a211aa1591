// Four `redub dub` commands and a `redub serve` on one data folder, each with its own video, all
// at once. Before the fix, "database is locked" cost jobs attempts in 5 of 8 trials and one CLI
// crashed on SQLITE_BUSY, leaving its job running. Now every job finishes on its first attempt
// and nothing anywhere says the database was locked.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSpokenVideo, sampleLines } from '../../fixtures/spoken-video.js';
import { parseJson, runRedub, sampleDubArguments, type DubJson } from '../../helpers/cli.js';
import { waitFor, withStore } from '../../helpers/job-watch.js';
import { startServe } from '../../helpers/serve-process.js';

const root = mkdtempSync(path.join(tmpdir(), 'redub-concurrent-'));
const locked = /database is locked|SQLITE_BUSY|SQLITE_LOCKED|E_DATABASE_BUSY/i;

describe('several processes on one data folder', { timeout: 300_000 }, () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('four CLIs and a server: all done on their first attempt, no lock errors', async () => {
    const dataDir = path.join(root, 'data');
    // A minute of many short lines: each stage writes progress and log lines often.
    const spoken = await generateSpokenVideo({ dir: path.join(root, 'fixture'), name: 'talk', lines: sampleLines, minimumDurationMs: 60_000, numberLines: true, gapMs: 200 });
    const inputs = Array.from({ length: 5 }, (_, index) => {
      const folder = path.join(root, `video-${index}`);
      mkdirSync(folder);
      const video = path.join(folder, `talk-${index}.mp4`);
      copyFileSync(spoken.video, video);
      // A time of its own: a different identity, so no two jobs share an artifact and every
      // process writes its own stages at the same time as the others.
      const time = new Date(Date.UTC(2024, 0, 1 + index));
      utimesSync(video, time, time);
      return { video, sourceSubtitles: spoken.sourceSubtitles, targetSubtitles: spoken.targetSubtitles };
    });
    // The server first, so the data folder exists; the CLIs then start together.
    const server = await startServe(dataDir);
    try {
      const created = await server.api('POST', 'jobs', {
        input: inputs[4]!.video, to: ['es'], subtitles: spoken.sourceSubtitles, translations: { es: spoken.targetSubtitles }, outDir: path.join(root, 'out-4'),
      });
      expect(created.status).toBe(201);
      const serverJob = (created.json.jobs as { id: string }[])[0]!.id;
      const results = await Promise.all(inputs.slice(0, 4).map((input, index) => runRedub(sampleDubArguments(dataDir, path.join(root, `out-${index}`), input))));
      for (const result of results) {
        expect(result.code, result.stderr).toBe(0);
        expect(`${result.stdout}${result.stderr}`).not.toMatch(locked);
        const job = parseJson<DubJson>(result).jobs[0]!;
        expect(job).toMatchObject({ state: 'done', attempts: 1 });
      }
      const job = await waitFor('the server\'s job', () => withStore(dataDir, (store) => {
        const row = store.jobs.get(serverJob);
        return row && row.state !== 'queued' && row.state !== 'running' ? row : null;
      }), 120_000);
      expect(job).toMatchObject({ state: 'done', attempts: 1 });
      const everyLog = withStore(dataDir, (store) => store.jobs.list({}).flatMap((row) => store.logs.page(row.id, {}).map((line) => line.message)));
      expect(everyLog.filter((line) => locked.test(line))).toEqual([]);
    } finally {
      const stopped = await server.stop();
      expect(stopped.stderr).not.toMatch(locked);
    }
  });
});
