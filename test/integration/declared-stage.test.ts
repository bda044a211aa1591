// A new stage is one declaration and one line in the pipeline's list. This test declares one (a
// loudness report of the finished mix), adds it, and runs a real job through the scheduler, the
// stage runner, the artifact cache and a worker host: nothing else had to change.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { integratedLoudness } from '../../src-main/core/engines/mix/loudness.js';
import { readWav } from '../../src-main/core/media/wav.js';
import { RedubCore } from '../../src-main/core/redub-core.js';
import { cpuPlacement, declareStage } from '../../src-main/core/pipeline/stage.js';
import { dubStages } from '../../src-main/core/pipeline/stage-registry.js';
import { mixStage } from '../../src-main/core/pipeline/stages/mix.js';
import { bundledSample } from '../helpers/cli.js';
import { InProcessHost } from '../helpers/in-process-host.js';
import { useTemporaryDirectory } from '../helpers/temporary-directory.js';

/** The stage a feature would add: everything about it in one declaration. */
const loudnessReportStage = declareStage<{ mixPath: string; targetLufs: number }, { reportFile: string; lufs: number }>({
  name: 'loudness-report',
  version: 1,
  weight: { plain: 2, neural: 2 },
  consumes: [mixStage],
  plan: ({ output, options }) => {
    const mix = output(mixStage)!;
    return { mixPath: mix.file(mix.result.mixFile), targetLufs: options.targetLufs };
  },
  outputNeutral: {},
  placement: () => cpuPlacement,
  async run(params, context) {
    const audio = readWav(params.mixPath);
    const lufs = integratedLoudness(audio.channels, audio.sampleRate);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(context.task.outDir, 'loudness.json'), JSON.stringify({ lufs, target: params.targetLufs }));
    return { reportFile: 'loudness.json', lufs };
  },
  check: (_params, directory, result) => (JSON.parse(readFileSync(path.join(directory, result.reportFile), 'utf8')) as { lufs?: number }).lufs === result.lufs ? [] : ['the report does not hold the measured loudness'],
});

describe('a stage declared outside the pipeline', { timeout: 120_000 }, () => {
  const temporary = useTemporaryDirectory('redub-declared-');
  let core: RedubCore | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
  });

  it('runs end to end once added to the list, cached like any other', async () => {
    const stages = [...dubStages, loudnessReportStage];
    core = new RedubCore({ dataDir: path.join(temporary(), 'data'), stages, workerHost: new InProcessHost(stages), cpuWorkers: 1 });
    const options = await core.prepareDub({
      input: bundledSample.video, to: ['es'], subtitles: bundledSample.sourceSubtitles, translations: { es: bundledSample.targetSubtitles }, outDir: path.join(temporary(), 'out'),
    });
    const { job } = core.enqueue(options)[0]!;
    const runOnce = async () => {
      const scheduler = core!.createScheduler([job.id]);
      scheduler.start();
      const [finished] = await scheduler.waitFor([job.id]);
      await scheduler.stop();
      return finished!;
    };
    expect((await runOnce()).state).toBe('done');
    const stagesAfter = core.store.stages.list(job.id, core.stageNames);
    expect(stagesAfter.map((stage) => stage.name)).toEqual([...dubStages.map((stage) => stage.name), 'loudness-report']);
    const report = stagesAfter.at(-1)!;
    expect(report).toMatchObject({ state: 'done', reused: false });
    const key = core.store.stages.artifactKey(job.id, 'loudness-report')!;
    const result = core.cache.read<{ lufs: number }>(key);
    // The mix is loudness-normalised to the job's target: the report measures about that.
    expect(Math.abs(result.lufs - options[0]!.targetLufs)).toBeLessThan(1.5);
    expect(core.store.jobs.get(job.id)!.progress).toBe(100);

    // Run again: the new stage's artifact is found like every other.
    core.store.jobs.requeueDone(job.id);
    expect((await runOnce()).state).toBe('done');
    expect(core.store.stages.list(job.id, core.stageNames).at(-1)).toMatchObject({ name: 'loudness-report', reused: true });
  });
});
