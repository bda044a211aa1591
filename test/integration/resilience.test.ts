// Crashes and cancellation, for real: kill -9 the CLI mid-job and run the same command again;
// kill a worker mid-stage; cancel a running job from another process.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRunning, runningStage, waitFor, withStore, workerProcesses } from '../helpers/job-watch.js';
import { parseJson, runRedub, sampleDubArguments, startRedub, type DubInputs, type DubJson } from '../helpers/cli.js';
import { generateSpokenVideo, sampleLines } from '../fixtures/spoken-video.js';
import { useTemporaryDirectory } from '../helpers/temporary-directory.js';
import { dubStageNames } from '../../src-main/core/pipeline/stage-registry.js';

// Each test runs real dubs; on a busy 2-core machine that can take well over a minute.
describe('crash and cancel', { timeout: 240_000 }, () => {
  const temporary = useTemporaryDirectory();
  // A two-minute video with 40 distinct lines, so a stage lasts long enough to be interrupted.
  let fixtureDir: string;
  let inputs: DubInputs;
  beforeAll(async () => {
    fixtureDir = mkdtempSync(path.join(tmpdir(), 'redub-resilience-'));
    const video = await generateSpokenVideo({ dir: fixtureDir, name: 'long', lines: sampleLines, minimumDurationMs: 120_000, numberLines: true });
    inputs = { video: video.video, sourceSubtitles: video.sourceSubtitles, targetSubtitles: video.targetSubtitles };
  });
  afterAll(() => rmSync(fixtureDir, { recursive: true, force: true }));

  it('resumes the same job when the same command runs again after kill -9 of the CLI', async () => {
    const dataDir = path.join(temporary(), 'data');
    const outDir = path.join(temporary(), 'out');
    const first = startRedub(sampleDubArguments(dataDir, outDir, inputs));
    // Synthesis runs beside the VAD now: the kill lands once the VAD is done and synthesis under way.
    const jobId = await waitFor('the VAD done and synthesis under way', () =>
      withStore(dataDir, (store) => {
        const job = store.jobs.list({ states: ['running'] })[0];
        if (!job) return null;
        const state = (name: string) => store.stages.list(job.id, dubStageNames).find((stage) => stage.name === name)?.state;
        return state('vad') === 'done' && ['running', 'done'].includes(state('synthesize') ?? '') && state('mix') !== 'done' ? job.id : null;
      }),
    );
    first.child.kill('SIGKILL');
    await first.done;
    await waitFor('the orphaned workers to exit', () => workerProcesses(dataDir).length === 0, 10_000);

    const second = await runRedub(sampleDubArguments(dataDir, outDir, inputs));
    const json = parseJson<DubJson>(second);
    expect(second.code, second.stderr).toBe(0);
    expect(json.jobs.map((job) => job.id)).toEqual([jobId]);
    expect(json.jobs[0]!.state).toBe('done');
    const stages = Object.fromEntries(json.jobs[0]!.stages.map((stage) => [stage.name, stage.reused]));
    expect(stages).toMatchObject({ probe: true, extract: true, vad: true });
    expect(withStore(dataDir, (store) => store.jobs.count({}))).toBe(1);
  });

  it('retries a stage on a fresh worker when its worker is killed mid-stage', async () => {
    const dataDir = path.join(temporary(), 'data');
    const outDir = path.join(temporary(), 'out');
    const run = startRedub(sampleDubArguments(dataDir, outDir, inputs));
    const jobId = await waitFor('the synthesize stage to start', () => runningStage(dataDir, 'synthesize'));
    const logLine = await waitFor('the worker pid in the job log', () =>
      withStore(dataDir, (store) => store.logs.page(jobId, {}).find((line) => line.stage === 'synthesize' && /started on worker \d+/.test(line.message))),
    );
    const pid = Number(/worker (\d+)/.exec(logLine.message)![1]);
    process.kill(pid, 'SIGKILL');

    const result = await run.done;
    const json = parseJson<DubJson>(result);
    expect(result.code, result.stderr).toBe(0);
    expect(json.jobs[0]!.state).toBe('done');
    const logs = withStore(dataDir, (store) => store.logs.page(jobId, {}));
    expect(logs.some((line) => line.level === 'warn' && /worker/i.test(line.message) && /Retrying the stage/.test(line.message))).toBe(true);
  });

  it('cancel kills the worker tree within 2 s and leaves no partial output', async () => {
    const dataDir = path.join(temporary(), 'data');
    const outDir = path.join(temporary(), 'out');
    const run = startRedub(sampleDubArguments(dataDir, outDir, inputs));
    const jobId = await waitFor('the synthesize stage to start', () => runningStage(dataDir, 'synthesize'));
    const workers = await waitFor('workers to run', () => (workerProcesses(dataDir).length > 0 ? workerProcesses(dataDir) : null));

    const cancel = await runRedub(['jobs', 'cancel', jobId, '--data-dir', dataDir, '--json']);
    expect(cancel.code, cancel.stderr).toBe(0);
    // The cancellation is on record once that command returns; from there, 2 s (SPEC §2).
    const cancelledAt = Date.now();
    await waitFor('the workers to be gone', () => workers.every((pid) => !isRunning(pid)), 5_000);
    expect(Date.now() - cancelledAt).toBeLessThan(2_000);

    const result = await run.done;
    expect(result.code).toBe(130);
    expect(parseJson<DubJson>(result).jobs[0]!.state).toBe('cancelled');
    expect(workerProcesses(dataDir)).toEqual([]);
    const leftovers = existsSync(outDir) ? readdirSync(outDir) : [];
    expect(leftovers).toEqual([]);
    expect(readdirSync(path.join(dataDir, 'artifacts', 'tmp'))).toEqual([]);

    // Retrying runs it again in that process and reuses what the cancelled attempt finished.
    const retried = await runRedub(['jobs', 'retry', jobId.slice(0, 8), '--data-dir', dataDir, '--json']);
    expect(retried.code, retried.stderr).toBe(0);
    const job = parseJson<DubJson>(retried).jobs[0]!;
    expect(job.id).toBe(jobId);
    expect(job.state).toBe('done');
    expect(job.stages.find((stage) => stage.name === 'extract')?.reused).toBe(true);
  });
});
