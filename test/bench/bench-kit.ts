// What the dub benchmarks share: timing, the floor any dub of a file must pay (timed in the same
// run, so the ratio to it does not depend on the machine), one dub through a core with its
// per-stage seconds, and the bytes a dub leaves in the data folder.
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { RedubCore } from '../../src-main/core/redub-core.js';
import { runFfmpeg } from '../../src-main/core/media/run-ffmpeg.js';
import { dubStageNames } from '../../src-main/core/pipeline/stage-registry.js';

export async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return (performance.now() - start) / 1000;
}

export const rounded = (value: number, digits = 3) => Number(value.toFixed(digits));

/** What every dub of this file pays: decode its audio once, encode one AAC track, remux with the video copied. */
export async function floorSeconds(video: string, work: string): Promise<{ total: number; decodeEncode: number; remux: number }> {
  const audio = path.join(work, 'floor.m4a');
  const decodeEncode = await timed(() => runFfmpeg(['-y', '-i', video, '-map', '0:a:0', '-c:a', 'aac', '-b:a', '192k', audio]));
  const remux = await timed(() => runFfmpeg(['-y', '-i', video, '-i', audio, '-map', '0:v:0', '-map', '1:a:0', '-c', 'copy', path.join(work, 'floor.mp4')]));
  return { total: decodeEncode + remux, decodeEncode, remux };
}

export interface DubInput {
  video: string;
  sourceSubtitles: string;
}

/** The bundled sample, which the benches dub first to start the workers and load the engines. */
export const sample = { video: path.resolve('resources', 'sample', 'sample.mp4'), sourceSubtitles: path.resolve('resources', 'sample', 'sample.en.srt'), translation: path.resolve('resources', 'sample', 'sample.es.srt') };

/** The stages of a job running now, to say what a process was doing when its memory peaked. */
export function runningStages(core: RedubCore, jobId: string): string {
  return core.store.stages.list(jobId, dubStageNames).filter((stage) => stage.state === 'running').map((stage) => stage.name).join('+') || 'between stages';
}

/** One dub into Spanish. `untilStage`: also time how long until that stage is done (the edited stem);
 * `onJob`: told the job's id once it is queued. */
export async function benchDub(core: RedubCore, input: DubInput, translation: string, outDir: string, options: { untilStage?: string; onJob?: (jobId: string) => void } = {}) {
  const { untilStage } = options;
  const preparing = performance.now();
  const prepared = await core.prepareDub({ input: input.video, to: ['es'], subtitles: input.sourceSubtitles, translations: { es: translation }, outDir });
  // The job's own time starts at the queue, as in the figures before; the preparing is reported beside it.
  const prepareSeconds = (performance.now() - preparing) / 1000;
  const start = performance.now();
  const job = core.enqueue(prepared)[0]!.job;
  options.onJob?.(job.id);
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
  const stages = Object.fromEntries(core.store.stages.list(job.id, dubStageNames).map((stage) => [stage.name, stage.reused ? 0 : rounded((stage.ms ?? 0) / 1000)]));
  return { seconds, prepareSeconds, stageSeconds, stages, cuesSynthesized: core.store.jobs.stats(job.id).cuesSynthesized ?? 0 };
}

/** Bytes under `dir`, in all and by top-level entry (links not followed: they are not the folder's bytes). */
export function folderBytes(dir: string): { total: number; byEntry: Record<string, number> } {
  const walk = (at: string): number => {
    const stats = lstatSync(at);
    if (!stats.isDirectory()) return stats.isFile() ? stats.size : 0;
    return readdirSync(at).reduce((sum, name) => sum + walk(path.join(at, name)), 0);
  };
  const byEntry = Object.fromEntries(readdirSync(dir).map((name) => [name, walk(path.join(dir, name))]));
  return { total: Object.values(byEntry).reduce((sum, bytes) => sum + bytes, 0), byEntry };
}

/** The artifact index's bytes by the stage that made them. */
export function artifactBytesByStage(core: RedubCore): Record<string, number> {
  const byStage: Record<string, number> = {};
  for (const artifact of core.store.artifacts.list()) byStage[artifact.stage] = (byStage[artifact.stage] ?? 0) + artifact.bytes;
  return byStage;
}

export const megabytes = (bytes: number) => rounded(bytes / 1e6, 1);

/** The last line every bench prints: the figures, read by whoever tracks them. */
export function printFigures(figures: Record<string, unknown>): void {
  console.log(JSON.stringify(figures));
}
