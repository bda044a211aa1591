// `npm run bench`, the long-video part: a cold dub of a generated hour with at least 700 distinct
// lines (so synthesis cannot be answered from the cache) against the floor any dub of that file
// must pay, timed in the same run; each process's peak memory; the bytes the dub leaves in the data
// folder; and the per-stage seconds. Cold: a fresh data folder, and the workers start with this dub
// (no warm-up dub first, as `redub dub` on a film would run). Targets: dub ≤ 1.3 × the floor,
// every process ≤ 600 MB. REDUB_BENCH_LONG_SECONDS shortens the video (e.g. 600 for a quick look);
// REDUB_BENCH_SKIP_LONG=1 skips this part.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { RedubCore } from '../../src-main/core/redub-core.js';
import { benchDir, benchVideo } from './bench-fixture.js';
import { artifactBytesByStage, benchDub, floorSeconds, folderBytes, megabytes, printFigures, rounded, runningStages } from './bench-kit.js';
import { describePeaks, PeakMemory } from './process-memory.js';

const seconds = Number(process.env.REDUB_BENCH_LONG_SECONDS ?? 3600);
/** Pauses of 300 ms between lines: about 730 for the hour, the same video the timeline bench opens. */
const gapMs = 300;
const minimumDistinctCues = 700;

if (process.env.REDUB_BENCH_SKIP_LONG === '1') {
  console.log('long-video bench skipped: REDUB_BENCH_SKIP_LONG=1');
} else {
  const video = await benchVideo(seconds, gapMs);
  const distinct = new Set(video.cues.map((cue) => cue.text)).size;
  // A shortened run cannot reach 700 lines; only the hour is held to it.
  const required = seconds >= 3600 ? minimumDistinctCues : 1;
  if (distinct < required) throw new Error(`The long bench video has ${distinct} distinct cue texts of ${video.cues.length}; it needs at least ${required}.`);

  const work = path.join(benchDir, 'run-long');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const dataDir = path.join(work, 'data');
  const core = new RedubCore({ dataDir });
  try {
    const floor = await floorSeconds(video.video, work);
    let jobId: string | null = null;
    const memory = new PeakMemory(core, () => (jobId ? runningStages(core, jobId) : 'before the job')).start();
    const dub = await benchDub(core, video, video.targetSubtitles, path.join(work, 'out'), { onJob: (id) => (jobId = id) });
    const peaks = memory.report();
    const left = folderBytes(dataDir);
    const byStage = artifactBytesByStage(core);
    // What the index does not account for: the database, and files kept beside the indexed ones.
    const outsideIndex = left.total - Object.values(byStage).reduce((sum, bytes) => sum + bytes, 0);

    const mediaSeconds = video.durationMs / 1000;
    console.log(`long fixture: ${mediaSeconds.toFixed(0)} s of video, ${video.cues.length} cues, ${distinct} distinct${video.fresh ? ' (generated now)' : ''}`);
    console.log(`long floor: ${floor.total.toFixed(2)} s (decode + AAC encode ${floor.decodeEncode.toFixed(2)} s, remux ${floor.remux.toFixed(2)} s)`);
    console.log(`long cold dub: ${dub.seconds.toFixed(2)} s (${(dub.seconds / floor.total).toFixed(2)} × the floor), ${dub.cuesSynthesized} cues synthesized, ${dub.prepareSeconds.toFixed(2)} s preparing before it; per stage (s): ${JSON.stringify(dub.stages)}`);
    console.log(describePeaks(peaks));
    console.log(`data folder left: ${megabytes(left.total)} MB; by entry (MB): ${JSON.stringify(Object.fromEntries(Object.entries(left.byEntry).map(([name, bytes]) => [name, megabytes(bytes)])))}; indexed artifacts by stage (MB): ${JSON.stringify(Object.fromEntries(Object.entries(byStage).map(([stage, bytes]) => [stage, megabytes(bytes)])))}; outside the index: ${megabytes(outsideIndex)} MB`);
    printFigures({
      longMediaSeconds: mediaSeconds,
      longCues: video.cues.length,
      longDistinctCues: distinct,
      longDubOverFloorRatio: rounded(dub.seconds / floor.total),
      longDubSeconds: rounded(dub.seconds),
      longFloorSeconds: rounded(floor.total),
      longPrepareSeconds: rounded(dub.prepareSeconds),
      longCuesSynthesized: dub.cuesSynthesized,
      longStageSeconds: dub.stages,
      peakMemoryMB: peaks.maxMB,
      processPeakMemoryMB: peaks.processes,
      dataFolderBytes: left.total,
      dataFolderBytesByEntry: left.byEntry,
      artifactBytesByStage: byStage,
      dataFolderBytesOutsideIndex: outsideIndex,
      targets: { longDubOverFloorRatio: 1.3, peakMemoryMB: 600 },
    });
  } finally {
    await core.close();
  }
  // Gigabytes for the hour: measured above, so not kept (a failed run keeps its folder to look at).
  rmSync(work, { recursive: true, force: true });
}
