// `npm run bench`: dubs a generated 10-minute video and prints, last, one JSON line with
// dubOverFloorRatio (the warm dub over the floor any dub of that file must pay, timed in the same
// run) and oneCueStemSeconds (one changed cue → updated dub stem), with per-stage seconds and each
// process's peak memory. The hour's figures are long-bench.ts's.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RedubCore } from '../../src-main/core/redub-core.js';
import { benchDir, benchVideo } from './bench-fixture.js';
import { benchDub, floorSeconds, printFigures, rounded, sample } from './bench-kit.js';
import { describePeaks, PeakMemory } from './process-memory.js';

const durationMs = Number(process.env.REDUB_BENCH_SECONDS ?? 600) * 1000;

const video = await benchVideo(durationMs / 1000);
const work = path.join(benchDir, 'run');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const core = new RedubCore({ dataDir: path.join(work, 'data') });
try {
  const memory = new PeakMemory(core).start();
  // Warm: workers started and engines loaded by a short dub, as in a desktop session.
  await benchDub(core, sample, sample.translation, path.join(work, 'warm'));

  const floor = await floorSeconds(video.video, work);
  const full = await benchDub(core, video, video.targetSubtitles, path.join(work, 'out'));

  const edited = path.join(work, 'edited.es.srt');
  writeFileSync(edited, readFileSync(video.targetSubtitles, 'utf8').replace('Línea 7. ', 'Línea siete. '));
  const oneCue = await benchDub(core, video, edited, path.join(work, 'out-edited'), { untilStage: 'mix' });
  const peaks = memory.report();

  const mediaSeconds = video.durationMs / 1000;
  console.log(`fixture: ${mediaSeconds.toFixed(0)} s of video, ${video.cues.length} cues${video.fresh ? ' (generated now)' : ''}`);
  console.log(`floor: ${floor.total.toFixed(2)} s (decode + AAC encode ${floor.decodeEncode.toFixed(2)} s, remux ${floor.remux.toFixed(2)} s)`);
  console.log(`full dub: ${full.seconds.toFixed(2)} s; per stage (s): ${JSON.stringify(full.stages)}`);
  console.log(`one changed cue: stem ready in ${oneCue.stageSeconds!.toFixed(2)} s, export done in ${oneCue.seconds.toFixed(2)} s; per stage (s): ${JSON.stringify(oneCue.stages)}`);
  console.log(describePeaks(peaks));
  printFigures({
    mediaSeconds,
    dubOverFloorRatio: rounded(full.seconds / floor.total),
    oneCueStemSeconds: rounded(oneCue.stageSeconds!),
    dubSecondsPerMediaSecond: rounded(full.seconds / mediaSeconds, 4),
    floorSeconds: rounded(floor.total),
    dubSeconds: rounded(full.seconds),
    stageSeconds: full.stages,
    oneCueStageSeconds: oneCue.stages,
    oneCueCuesSynthesized: oneCue.cuesSynthesized,
    peakMemoryMB: peaks.maxMB,
    processPeakMemoryMB: peaks.processes,
    targets: { dubOverFloorRatio: 1.3, oneCueStemSeconds: 0.5 },
  });
} finally {
  await core.close();
}
