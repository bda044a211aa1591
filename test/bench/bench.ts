// `npm run bench`: dubs a generated 10-minute video and prints, last, one JSON line with
// dubOverFloorRatio (the warm dub over the floor any dub of that file must pay, timed in the same
// run) and oneCueStemSeconds (one changed cue → updated dub stem), with per-stage seconds.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RedubCore } from '../../src-main/core/redub-core.js';
import { runFfmpeg } from '../../src-main/core/media/run-ffmpeg.js';
import type { SpokenVideo } from '../fixtures/spoken-video.js';
import { benchDir, benchVideo } from './bench-fixture.js';
import { dubStageNames } from '../../src-main/core/pipeline/stage-registry.js';

const durationMs = Number(process.env.REDUB_BENCH_SECONDS ?? 600) * 1000;

async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return (performance.now() - start) / 1000;
}

/** What every dub of this file pays: decode its audio once, encode one AAC track, remux with the video copied. */
async function floorSeconds(video: string, work: string): Promise<{ total: number; decodeEncode: number; remux: number }> {
  const audio = path.join(work, 'floor.m4a');
  const decodeEncode = await timed(() => runFfmpeg(['-y', '-i', video, '-map', '0:a:0', '-c:a', 'aac', '-b:a', '192k', audio]));
  const remux = await timed(() => runFfmpeg(['-y', '-i', video, '-i', audio, '-map', '0:v:0', '-map', '1:a:0', '-c', 'copy', path.join(work, 'floor.mp4')]));
  return { total: decodeEncode + remux, decodeEncode, remux };
}

async function dub(core: RedubCore, video: SpokenVideo, translation: string, outDir: string, untilStage?: string) {
  const prepared = await core.prepareDub({ input: video.video, to: ['es'], subtitles: video.sourceSubtitles, translations: { es: translation }, outDir });
  const start = performance.now();
  const job = core.enqueue(prepared)[0]!.job;
  const scheduler = core.createScheduler([job.id]);
  scheduler.start();
  let stageSeconds: number | null = null;
  if (untilStage) {
    while (core.store.stages.list(job.id, dubStageNames).find((stage) => stage.name === untilStage)?.state !== 'done') await new Promise((resolve) => setTimeout(resolve, 5));
    stageSeconds = (performance.now() - start) / 1000;
  }
  const [finished] = await scheduler.waitFor([job.id]);
  const seconds = (performance.now() - start) / 1000;
  await scheduler.stop();
  if (finished?.state !== 'done') throw new Error(`The bench dub ended ${finished?.state}: ${JSON.stringify(finished?.error)}`);
  const stages = Object.fromEntries(core.store.stages.list(job.id, dubStageNames).map((stage) => [stage.name, stage.reused ? 0 : Number(((stage.ms ?? 0) / 1000).toFixed(3))]));
  return { seconds, stageSeconds, stages, cuesSynthesized: core.store.jobs.stats(job.id).cuesSynthesized ?? 0 };
}

const video = await benchVideo(durationMs / 1000);
const work = path.join(benchDir, 'run');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const core = new RedubCore({ dataDir: path.join(work, 'data') });
try {
  // Warm: workers started and engines loaded by a short dub, as in a desktop session.
  const warmUp = path.resolve('resources', 'sample');
  await dub(core, { video: path.join(warmUp, 'sample.mp4'), sourceSubtitles: path.join(warmUp, 'sample.en.srt'), targetSubtitles: '', durationMs: 0, cues: [] }, path.join(warmUp, 'sample.es.srt'), path.join(work, 'warm'));

  const floor = await floorSeconds(video.video, work);
  const full = await dub(core, video, video.targetSubtitles, path.join(work, 'out'));

  const edited = path.join(work, 'edited.es.srt');
  writeFileSync(edited, readFileSync(video.targetSubtitles, 'utf8').replace('Línea 7. ', 'Línea siete. '));
  const oneCue = await dub(core, video, edited, path.join(work, 'out-edited'), 'mix');

  const mediaSeconds = video.durationMs / 1000;
  console.log(`fixture: ${mediaSeconds.toFixed(0)} s of video, ${video.cues.length} cues${video.fresh ? ' (generated now)' : ''}`);
  console.log(`floor: ${floor.total.toFixed(2)} s (decode + AAC encode ${floor.decodeEncode.toFixed(2)} s, remux ${floor.remux.toFixed(2)} s)`);
  console.log(`full dub: ${full.seconds.toFixed(2)} s; per stage (s): ${JSON.stringify(full.stages)}`);
  console.log(`one changed cue: stem ready in ${oneCue.stageSeconds!.toFixed(2)} s, export done in ${oneCue.seconds.toFixed(2)} s; per stage (s): ${JSON.stringify(oneCue.stages)}`);
  console.log(
    JSON.stringify({
      mediaSeconds,
      dubOverFloorRatio: Number((full.seconds / floor.total).toFixed(3)),
      oneCueStemSeconds: Number(oneCue.stageSeconds!.toFixed(3)),
      dubSecondsPerMediaSecond: Number((full.seconds / mediaSeconds).toFixed(4)),
      floorSeconds: Number(floor.total.toFixed(3)),
      dubSeconds: Number(full.seconds.toFixed(3)),
      stageSeconds: full.stages,
      oneCueStageSeconds: oneCue.stages,
      oneCueCuesSynthesized: oneCue.cuesSynthesized,
      targets: { dubOverFloorRatio: 2.0, oneCueStemSeconds: 1.0 },
    }),
  );
} finally {
  await core.close();
}
