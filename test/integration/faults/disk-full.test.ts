// A full data disk, for real: the data folder sits on a small tmpfs that the test fills while a
// dub runs. The CLI must end with E_DISK_FULL as JSON and exit 4 (before the fix: a stack trace,
// exit 1, empty stdout and a job left running); `redub serve` must keep answering, name the
// problem on /health and recover once space is freed; a re-run then finishes with correct output
// and leaves nothing behind. A cue edit on the full disk is stored whole or refused, never half. Mounting needs root: elsewhere the tests skip and say why.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runRedub, sampleDubArguments, startRedub, type DubInputs, type DubJson } from '../../helpers/cli.js';
import { isRunning, runningStage, waitFor, withStore } from '../../helpers/job-watch.js';
import { decodedAudio, rmsDifference, videoPacketDigests } from '../../helpers/media-compare.js';
import { startServe } from '../../helpers/serve-process.js';
import { generateSpokenVideo, sampleLines } from '../../fixtures/spoken-video.js';

const root = mkdtempSync(path.join(tmpdir(), 'redub-disk-full-'));

function tryMount(folder: string, size: string): string | null {
  mkdirSync(folder, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', folder], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `cannot mount a tmpfs here (${String((error as { stderr?: Buffer }).stderr ?? error).trim().split('\n')[0]})`;
  }
}

const probe = process.platform === 'linux' ? tryMount(path.join(root, 'probe'), '1m') : 'tmpfs is Linux only';
if (probe === null) execFileSync('umount', [path.join(root, 'probe')]);
const skipReason = probe;

/** Writes a file until the disk refuses more: the disk is then full to the last block. */
function fillDisk(folder: string): string {
  const filler = path.join(folder, 'filler');
  const descriptor = openSync(filler, 'w');
  try {
    for (const size of [1024 * 1024, 4096, 512]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) writeSync(descriptor, chunk);
      } catch {
        // ENOSPC: on to smaller pieces, then done.
      }
    }
  } finally {
    closeSync(descriptor);
  }
  return filler;
}

function diskFullIn(json: DubJson): boolean {
  return json.error?.code === 'E_DISK_FULL' || json.jobs?.some((job) => job.error?.code === 'E_DISK_FULL') === true;
}

describe.skipIf(skipReason !== null)(`a full data disk${skipReason ? ` (skipped: ${skipReason})` : ''}`, { timeout: 300_000 }, () => {
  let inputs: DubInputs;
  let reference: { packets: string[]; audio: Int16Array };
  const mounts: string[] = [];

  beforeAll(async () => {
    const video = await generateSpokenVideo({ dir: path.join(root, 'fixture'), name: 'talk', lines: sampleLines, minimumDurationMs: 60_000, numberLines: true });
    inputs = { video: video.video, sourceSubtitles: video.sourceSubtitles, targetSubtitles: video.targetSubtitles };
    const clean = parseJson<DubJson>(await runRedub(sampleDubArguments(path.join(root, 'clean-data'), path.join(root, 'clean-out'), inputs)));
    reference = { packets: await videoPacketDigests(clean.jobs[0]!.outputs.video!), audio: (await decodedAudio(clean.jobs[0]!.outputs.video!)).samples };
  }, 300_000);

  afterAll(() => {
    for (const mount of mounts) execFileSync('umount', ['-l', mount]);
    rmSync(root, { recursive: true, force: true });
  });

  function mountDataDisk(name: string, size = '48m'): string {
    const folder = path.join(root, name);
    const problem = tryMount(folder, size);
    if (problem) throw new Error(problem);
    mounts.push(folder);
    return folder;
  }

  async function expectSameAsClean(video: string): Promise<void> {
    expect(await videoPacketDigests(video)).toEqual(reference.packets);
    expect(rmsDifference((await decodedAudio(video)).samples, reference.audio)).toBeLessThan(0.001);
  }

  it('the CLI prints E_DISK_FULL as JSON, exits 4, and a re-run after freeing space finishes cleanly', async () => {
    const disk = mountDataDisk('cli-disk');
    const dataDir = path.join(disk, 'data');
    const outDir = path.join(root, 'cli-out');
    const run = startRedub(sampleDubArguments(dataDir, outDir, inputs));
    const jobId = await waitFor('synthesis to start', () => runningStage(dataDir, 'synthesize'), 120_000, 10);
    const filler = fillDisk(disk);

    const result = await run.done;
    expect(result.code, result.stderr).toBe(4);
    const json = parseJson<DubJson>(result);
    expect(diskFullIn(json), result.stdout).toBe(true);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).not.toMatch(/SqliteError|SQLITE_/);

    rmSync(filler);
    const again = await runRedub(sampleDubArguments(dataDir, outDir, inputs));
    expect(again.code, again.stderr).toBe(0);
    const done = parseJson<DubJson>(again).jobs[0]!;
    expect(done).toMatchObject({ id: jobId, state: 'done' });
    await expectSameAsClean(done.outputs.video!);
    expect(readdirSync(path.join(dataDir, 'artifacts', 'tmp'))).toEqual([]);
    expect(readdirSync(outDir).filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(withStore(dataDir, (store) => store.jobs.list({ states: ['running'] }))).toEqual([]);
  });

  it('redub serve keeps answering, names the problem on /health, and recovers when space is freed', async () => {
    const disk = mountDataDisk('serve-disk');
    const dataDir = path.join(disk, 'data');
    const server = await startServe(dataDir);
    try {
      const created = await server.api('POST', 'jobs', {
        input: inputs.video, to: ['es'], subtitles: inputs.sourceSubtitles, translations: { es: inputs.targetSubtitles }, outDir: path.join(root, 'serve-out'),
      });
      expect(created.status).toBe(201);
      const jobId = (created.json.jobs as { id: string }[])[0]!.id;
      await waitFor('synthesis to start', () => runningStage(dataDir, 'synthesize'), 120_000, 10);
      const filler = fillDisk(disk);

      let health = await server.api('GET', '/health');
      const deadline = Date.now() + 30_000;
      while (health.status !== 503 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        health = await server.api('GET', '/health');
      }
      expect(health.status).toBe(503);
      expect(health.json).toMatchObject({ ok: false, storage: { ok: false, problem: { code: 'E_DISK_FULL' } } });
      // Still serving: the job list and the job itself answer.
      expect((await server.api('GET', 'jobs')).status).toBe(200);
      expect((await server.api('GET', `jobs/${jobId}`)).status).toBe(200);
      expect(isRunning(server.pid)).toBe(true);

      rmSync(filler);
      for (const until = Date.now() + 30_000; (await server.api('GET', '/health')).status !== 200; ) {
        if (Date.now() > until) throw new Error('/health did not recover after space was freed');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // The job may have used up its attempts while the disk was full; a retry then finishes it.
      const settled = async () => (await server.api('GET', `jobs/${jobId}`)).json as { state: string; outputs: { video?: string } };
      for (const until = Date.now() + 120_000; ; ) {
        const job = await settled();
        if (job.state === 'done') {
          await expectSameAsClean(job.outputs.video!);
          break;
        }
        if (job.state === 'failed') expect((await server.api('POST', `jobs/${jobId}/retry`)).status).toBe(200);
        if (Date.now() > until) throw new Error(`the job did not finish after space was freed (${job.state})`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      const stopped = await server.stop();
      expect(stopped.stderr).not.toMatch(/^\s+at /m);
    }
    expect(readdirSync(path.join(dataDir, 'artifacts', 'tmp'))).toEqual([]);
  });

  it('a cue edit on a full disk lands whole or is refused with E_DISK_FULL, and editing and rendering work once space is freed', async () => {
    // Room for a second mix beside the first: a render writes its mix whole before the old one goes.
    const disk = mountDataDisk('cues-disk', '160m');
    const dataDir = path.join(disk, 'data');
    const server = await startServe(dataDir);
    try {
      const created = await server.api('POST', 'jobs', {
        input: inputs.video, to: ['es'], subtitles: inputs.sourceSubtitles, translations: { es: inputs.targetSubtitles }, outDir: path.join(root, 'cues-out'),
      });
      const jobId = (created.json.jobs as { id: string }[])[0]!.id;
      const settledJob = async () => {
        for (const until = Date.now() + 120_000; ; ) {
          const job = (await server.api('GET', `jobs/${jobId}`)).json as { state: string; cuesSynthesized: number; error?: unknown };
          if (job.state === 'done' || job.state === 'failed') return job;
          if (Date.now() > until) throw new Error(`the job is still ${job.state}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };
      expect((await settledJob()).state).toBe('done');
      const filler = fillDisk(disk);

      // Batches near the request limit (inserted lines may overlap), until one does not fit: the
      // database may reuse space it already holds for the first ones.
      const line = 'x'.repeat(990);
      const batch = Array.from({ length: 900 }, () => ({ op: 'insert', startMs: 1000, endMs: 2000, targetText: line }));
      let revision = (await server.api('GET', `jobs/${jobId}/cues`)).json.revision as number;
      let refused: { status: number; json: Record<string, unknown> } | null = null;
      for (let attempt = 0; attempt < 20 && !refused; attempt++) {
        const answer = await server.api('PATCH', `jobs/${jobId}/cues`, { revision, edits: batch });
        if (answer.status === 200) revision = answer.json.revision as number;
        else refused = answer;
      }
      expect(refused, 'twenty batches of about 0.9 MB fitted on a full disk').not.toBeNull();
      expect(refused!.status).toBe(507);
      expect(refused!.json).toMatchObject({ error: { code: 'E_DISK_FULL' } });
      // Nothing half-stored: the cues are at the last accepted revision, with its lines.
      const kept = (await server.api('GET', `jobs/${jobId}/cues`)).json as { revision: number; cues: unknown[] };
      expect(kept.revision).toBe(revision);
      expect(isRunning(server.pid)).toBe(true);

      rmSync(filler);
      // Back to the cues as the stages made them, one line changed, and rendered.
      const reverted = await server.api('PATCH', `jobs/${jobId}/cues`, { revision, edits: [{ op: 'revert', revision: 0 }, { op: 'update', index: 0, targetText: 'Después de liberar espacio.' }] });
      expect(reverted.status, JSON.stringify(reverted.json)).toBe(200);
      expect((await server.api('POST', `jobs/${jobId}/render`)).status).toBe(202);
      const rendered = await settledJob();
      expect(rendered, JSON.stringify(rendered)).toMatchObject({ state: 'done', cuesSynthesized: 1 });
    } finally {
      const stopped = await server.stop();
      expect(stopped.stderr).not.toMatch(/^\s+at /m);
    }
  });
});
