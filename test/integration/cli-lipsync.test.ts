// `redub dub … --lipsync segments.json --audio <refId>=<file>` in-process, as main.ts runs it
// (arguments parsed, the command run against the service, an error turned into its exit code): the
// segments and the audio reach the job, and every way they can be wrong is refused before
// anything is queued, with the rule or the code that says why.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommandArguments } from '../../src-main/cli/arguments.js';
import { dubCommand, dubOptions, type DubArguments } from '../../src-main/cli/commands/dub.js';
import { exitCodeForError } from '../../src-main/cli/exit-codes.js';
import type { Output } from '../../src-main/cli/output.js';
import { lipSyncPacks } from '../../src-main/core/engines/lipsync/lipsync-packs.js';
import { RedubService } from '../../src-main/core/service/redub-service.js';
import { toErrorData, type RedubErrorData } from '../../src-main/shared/errors.js';
import type { JobDetails } from '../../src-main/shared/jobs.js';
import { bundledSample } from '../helpers/cli.js';
import { makeTone } from '../helpers/media-fixtures.js';
import { useTemporaryDirectory } from '../helpers/temporary-directory.js';
import { fakeLipSyncPacks, segment, writeEmptyFile, writeNotAudio } from '../unit/pipeline/lipsync-fixtures.js';
import { StalledHost } from '../unit/service/stalled-worker-host.js';

interface CommandRun {
  code: number;
  jobs: JobDetails[];
  error: RedubErrorData | null;
}

describe('redub dub with lip-sync segments and added audio', { timeout: 60_000 }, () => {
  const temporary = useTemporaryDirectory('redub-cli-lipsync-');
  let service: RedubService | null = null;
  afterEach(async () => {
    await service?.close();
    service = null;
  });

  function open(options: { packs?: boolean } = {}): { service: RedubService; dataDir: string } {
    const dataDir = path.join(temporary(), 'data');
    if (options.packs !== false) fakeLipSyncPacks(dataDir);
    service = new RedubService({ dataDir, runQueue: false, workerHost: new StalledHost(), cpuWorkers: 1, pollMs: 20 });
    // The jobs are not run here: what matters is what the command queued, as `jobs show` reads it.
    service.runJobs = async (ids) => Promise.all(ids.map((id) => service!.getJob(id)));
    return { service, dataDir };
  }

  /** What main.ts does with a `redub dub` command line, minus the process. */
  async function dub(target: RedubService, extra: string[]): Promise<CommandRun> {
    let jobs: JobDetails[] = [];
    let error: RedubErrorData | null = null;
    const output: Output = { json: true, result: (value) => (jobs = (value as { jobs: JobDetails[] }).jobs), error: (data) => (error = data), note: () => {} };
    const argv = [bundledSample.video, '--to', 'es', '--subtitles', bundledSample.sourceSubtitles, '--translation', `es=${bundledSample.targetSubtitles}`, '--out', path.join(temporary(), 'out'), ...extra];
    try {
      return { code: await dubCommand(target, parseCommandArguments(argv, dubOptions) as DubArguments, output), jobs, error };
    } catch (thrown) {
      const data = toErrorData(thrown);
      output.error(data);
      return { code: exitCodeForError(data), jobs, error };
    }
  }

  function segmentsFile(segments: unknown[]): string {
    const file = path.join(temporary(), `segments-${Math.random().toString(16).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({ segments }));
    return file;
  }

  async function expectRefused(target: RedubService, extra: string[], code: string, exitCode = 3): Promise<RedubErrorData> {
    const run = await dub(target, extra);
    expect(run.error?.code, JSON.stringify(run.error)).toBe(code);
    expect(run.code).toBe(exitCode);
    expect(run.error!.message.length).toBeGreaterThan(10);
    expect(run.error!.action.length).toBeGreaterThan(10);
    expect(target.core.store.jobs.count({})).toBe(0);
    return run.error!;
  }

  it('queues the segments and each --audio file with the job, as its details show them', async () => {
    const { service } = open();
    const dir = temporary();
    const narrator = await makeTone(dir, { name: 'narrator.wav', seconds: 1, sampleRate: 16_000 });
    const music = await makeTone(dir, { name: 'music, take 2.wav', seconds: 2, sampleRate: 16_000 });
    const segments = [segment('intro', 1000, 2000, 'narrator', { fit: false }), segment('later', 5000, 5500, 'music', { cropStartMs: 500, cropEndMs: 1000, fit: false }), segment('dubbed', 8000, 9000)];
    const run = await dub(service, ['--lipsync', segmentsFile(segments), '--audio', `narrator=${narrator}`, '--audio', `music=${music}`]);
    expect(run.error).toBeNull();
    expect(run.code).toBe(0);
    expect(run.jobs).toHaveLength(1);
    expect(run.jobs[0]!.lipsync).toEqual({
      segments,
      audio: [
        { id: 'music', durationMs: 2000, name: 'music, take 2.wav' },
        { id: 'narrator', durationMs: 1000, name: 'narrator.wav' },
      ],
      maxSegments: 5,
    });
    const options = service.core.store.jobs.get(run.jobs[0]!.id)!.options as { audioRefs: { id: string }[] };
    expect(options.audioRefs.map((ref) => ref.id)).toEqual(['music', 'narrator']);
  });

  it('refuses a bad refId as a usage error (exit 2), before reading any file', async () => {
    const { service } = open();
    const tone = await makeTone(temporary(), { seconds: 1 });
    expect((await expectRefused(service, ['--audio', `dub=${tone}`], 'E_USAGE', 2)).message).toMatch(/"dub" is the job's own dubbed track/);
    expect((await expectRefused(service, ['--audio', `two words=${tone}`], 'E_USAGE', 2)).message).toMatch(/not an audio refId/);
    expect((await expectRefused(service, ['--audio', tone], 'E_USAGE', 2)).message).toMatch(/expects <refId>=<file>/);
  });

  it('refuses a missing, a not-audio, an empty and a too-long audio file, each with its own code', async () => {
    const { service } = open();
    const dir = temporary();
    const missing = await expectRefused(service, ['--audio', `narrator=${path.join(dir, 'gone.wav')}`], 'E_INPUT_MISSING');
    expect(missing.message).toBe('The audio file gone.wav does not exist.');
    await expectRefused(service, ['--audio', `narrator=${writeNotAudio(dir)}`], 'E_AUDIO_INVALID');
    await expectRefused(service, ['--audio', `narrator=${writeEmptyFile(dir)}`], 'E_AUDIO_EMPTY');
    // The job's duration limit holds for added audio too: 18 s lets the 14.5 s sample through, not 20 s of audio.
    const long = await makeTone(dir, { name: 'long.wav', seconds: 20, sampleRate: 8000 });
    const tooLong = await expectRefused(service, ['--audio', `narrator=${long}`, '--max-duration-minutes', '0.3'], 'E_AUDIO_TOO_LONG');
    expect(tooLong.message).toContain('long.wav');
  });

  it('refuses overlapping, reversed and out-of-range segments, naming each segment and its rule', async () => {
    const { service } = open();
    const segments = [
      segment('intro', 1000, 3000),
      segment('overlapping', 2500, 4000),
      segment('backwards', 6000, 5000),
      segment('too-late', 15_000, 99_000),
      segment('cropped-badly', 9000, 9500, 'dub', { cropStartMs: 700, cropEndMs: 100 }),
    ];
    const error = await expectRefused(service, ['--lipsync', segmentsFile(segments)], 'E_LIPSYNC_INVALID');
    const rules = (error.violations ?? []).map((violation) => `${violation.segmentId}:${violation.rule}`);
    expect(rules).toEqual(expect.arrayContaining(['overlapping:no-overlap', 'backwards:start-before-end', 'too-late:inside-video', 'cropped-badly:crop-start-before-end']));
    expect(error.details!.some((line) => line.includes('"overlapping"') && line.includes('[rule: no-overlap]'))).toBe(true);
  });

  it('holds segments to the maxLipSyncSegments setting, and an audio refId the job does not have is known-audio', async () => {
    const { service } = open();
    await service.updateSettings({ maxLipSyncSegments: 2 });
    const three = [segment('a', 0, 500), segment('b', 1000, 1500), segment('c', 2000, 2500)];
    const error = await expectRefused(service, ['--lipsync', segmentsFile(three)], 'E_LIPSYNC_INVALID');
    expect(error.violations).toEqual([expect.objectContaining({ segmentId: 'c', rule: 'segment-limit' })]);
    expect(error.violations![0]!.message).toMatch(/At most 2 lip-sync segments/);
    const stranger = await expectRefused(service, ['--lipsync', segmentsFile([segment('a', 0, 500, 'narrator')])], 'E_LIPSYNC_INVALID');
    expect(stranger.violations![0]!.rule).toBe('known-audio');
  });

  it('E_MODEL_MISSING with the install commands when the lip-sync packs are not installed, before anything is queued', async () => {
    const { service } = open({ packs: false });
    const error = await expectRefused(service, ['--lipsync', segmentsFile([segment('intro', 1000, 2000)])], 'E_MODEL_MISSING');
    expect(error.action).toContain(`redub models install ${lipSyncPacks.detector.id}`);
    expect(error.action).toContain(`redub models install ${lipSyncPacks.model.id}`);
  });
});
