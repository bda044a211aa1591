// kill -9 of a worker in the middle of each stage. Whatever the stage, the job must end done with
// the output a clean run gives (the same video packets, the same audio), and nothing the killed
// attempt started (its ffmpeg) may outlive it by more than 2 s. Before the fix, a worker killed
// in export left its ffmpeg writing into the folder the retry used: a corrupt MP4 marked done.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runRedub, sampleDubArguments, startRedub, type DubInputs, type DubJson } from '../../helpers/cli.js';
import { killStageWorker, withStore, workerProcesses } from '../../helpers/job-watch.js';
import { decodedAudio, rmsDifference, videoPacketDigests } from '../../helpers/media-compare.js';
import { generateSpokenVideo, sampleLines } from '../../fixtures/spoken-video.js';

interface Reference {
  packets: string[];
  dubAudio: Int16Array;
  stem: Buffer;
}

/** Stages whose worker runs ffmpeg (the mix encodes the dub track as it mixes): the kill lands while ffmpeg writes, which is what went wrong. */
const ffmpegStages = new Set(['extract', 'mix', 'export']);

describe('kill -9 of a worker mid-stage', { timeout: 300_000 }, () => {
  let root: string;
  let inputs: DubInputs;
  let reference: Reference;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'redub-worker-kill-'));
    // Three minutes of numbered (so all distinct) lines: every stage lasts long enough to be hit.
    const video = await generateSpokenVideo({ dir: path.join(root, 'fixture'), name: 'talk', lines: sampleLines, minimumDurationMs: 180_000, numberLines: true });
    inputs = { video: video.video, sourceSubtitles: video.sourceSubtitles, targetSubtitles: video.targetSubtitles };
    const clean = await runRedub(sampleDubArguments(path.join(root, 'clean-data'), path.join(root, 'clean-out'), inputs));
    expect(clean.code, clean.stderr).toBe(0);
    reference = await readOutputs(parseJson<DubJson>(clean));
  }, 300_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function readOutputs(json: DubJson): Promise<Reference> {
    const outputs = json.jobs[0]!.outputs;
    return { packets: await videoPacketDigests(outputs.video!), dubAudio: (await decodedAudio(outputs.video!, 0)).samples, stem: readFileSync(outputs.dubStem!) };
  }

  it.each(['extract', 'vad', 'synthesize', 'fit', 'mix', 'export'])('in %s: done, same output as a clean run, no survivor', async (stage) => {
    const dataDir = path.join(root, `data-${stage}`);
    const outDir = path.join(root, `out-${stage}`);
    const run = startRedub(sampleDubArguments(dataDir, outDir, inputs));
    const jobId = await killStageWorker(dataDir, stage, ffmpegStages.has(stage));

    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    const json = parseJson<DubJson>(result);
    expect(json.jobs[0]!.state).toBe('done');
    const logs = withStore(dataDir, (store) => store.logs.page(jobId, {}));
    // The kill landed mid-stage: the stage was retried on a fresh worker.
    expect(logs.some((line) => line.stage === stage && /Retrying the stage on a fresh worker/.test(line.message))).toBe(true);

    const outputs = await readOutputs(json);
    expect(outputs.packets).toEqual(reference.packets);
    expect(outputs.stem.equals(reference.stem)).toBe(true);
    expect(rmsDifference(outputs.dubAudio, reference.dubAudio)).toBeLessThan(0.001);
    expect((await decodedAudio(json.jobs[0]!.outputs.video!, 0)).errors).toBe(0);
    expect(readdirSync(path.join(dataDir, 'artifacts', 'tmp'))).toEqual([]);
    expect(workerProcesses(dataDir)).toEqual([]);
  });
});
