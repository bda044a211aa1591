// kill -9 of the worker in the middle of the separation and the speaker stages, through the CLI
// with the tiny separator and speaker packs installed: the job must end done with what a clean run
// gives (the same stems, the same speakers, the same dub voice), its ffmpeg gone within 2 s of the
// kill, and nothing left in the cache's scratch folder.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPack } from '../../../src-main/core/models/import.js';
import { parseJson, runRedub, sampleDubArguments, startRedub, type DubInputs, type DubJson } from '../../helpers/cli.js';
import { killStageWorker, withStore, workerProcesses } from '../../helpers/job-watch.js';
import { generateSpokenVideo, sampleLines } from '../../fixtures/spoken-video.js';
import { writeTinyAudioPacks } from '../../fixtures/models/tiny-packs.js';

interface Reference {
  stems: Buffer[];
  speakers: (string | null | undefined)[];
}

describe('kill -9 of a worker mid-separation and mid-diarization', { timeout: 300_000 }, () => {
  let root: string;
  let inputs: DubInputs;
  let reference: Reference;

  async function installPacks(dataDir: string): Promise<void> {
    const packs = writeTinyAudioPacks(path.join(root, 'packs'), 'https://tiny-packs.invalid');
    for (const pack of packs.packs) await importPack(pack, path.join(root, 'packs', pack.id), dataDir);
  }

  const dubArguments = (dataDir: string, outDir: string) => [...sampleDubArguments(dataDir, outDir, inputs), '--stems'];

  function readReference(dataDir: string, json: DubJson): Reference {
    const outputs = json.jobs[0]!.outputs;
    const speakers = withStore(dataDir, (store) => store.cues.list(json.jobs[0]!.id).map((cue) => cue.speaker));
    return { stems: [outputs.vocalsStem!, outputs.backgroundStem!, outputs.dubStem!].map((file) => readFileSync(file)), speakers };
  }

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'redub-speakers-kill-'));
    // A minute and a half of two voices taking turns over a tone: each stage lasts long enough to be hit.
    const video = await generateSpokenVideo({ dir: path.join(root, 'fixture'), name: 'talk', lines: sampleLines, minimumDurationMs: 90_000, numberLines: true, voices: ['gmw/en', 'gmw/en+f3'], background: { toneHz: 6000, level: 0.05 } });
    inputs = { video: video.video, sourceSubtitles: video.sourceSubtitles, targetSubtitles: video.targetSubtitles };
    const dataDir = path.join(root, 'clean-data');
    await installPacks(dataDir);
    const clean = await runRedub(dubArguments(dataDir, path.join(root, 'clean-out')));
    expect(clean.code, clean.stderr).toBe(0);
    reference = readReference(dataDir, parseJson<DubJson>(clean));
    expect(new Set(reference.speakers)).toEqual(new Set(['SPEAKER_1', 'SPEAKER_2']));
  }, 300_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(['separate', 'diarize'])('in %s: done, the same stems and speakers as a clean run, no survivor', async (stage) => {
    const dataDir = path.join(root, `data-${stage}`);
    await installPacks(dataDir);
    const run = startRedub(dubArguments(dataDir, path.join(root, `out-${stage}`)));
    const jobId = await killStageWorker(dataDir, stage, false);

    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    const json = parseJson<DubJson>(result);
    expect(json.jobs[0]!.state).toBe('done');
    const logs = withStore(dataDir, (store) => store.logs.page(jobId, {}));
    expect(logs.some((line) => line.stage === stage && /Retrying the stage on a fresh worker/.test(line.message))).toBe(true);
    const outputs = readReference(dataDir, json);
    expect(outputs.speakers).toEqual(reference.speakers);
    outputs.stems.forEach((stem, index) => expect(stem.equals(reference.stems[index]!), `stem ${index}`).toBe(true));
    expect(readdirSync(path.join(dataDir, 'artifacts', 'tmp'))).toEqual([]);
    expect(workerProcesses(dataDir)).toEqual([]);
  });
});
