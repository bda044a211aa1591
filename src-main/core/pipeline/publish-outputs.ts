// Puts a job's deliverables where the user asked for them. They are copies, never hard links:
// a user who edits an output in place must not corrupt the cached artifact behind it. Where the
// file system supports it the copy is a copy-on-write clone and costs nothing. Each file appears
// under its final name only once complete.
import { constants, copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { JobOutputs } from '../../shared/jobs.js';

export function outputNames(inputPath: string, outDir: string, language: string): Required<Pick<JobOutputs, 'video' | 'subtitles' | 'dubStem'>> {
  const base = path.join(path.resolve(outDir), path.parse(inputPath).name);
  return { video: `${base}.${language}.mp4`, subtitles: `${base}.${language}.srt`, dubStem: `${base}.${language}.dub.wav` };
}

export function publishOutputs(inputPath: string, outDir: string, language: string, sources: { video: string; subtitles: string; dubStem: string }): JobOutputs {
  const targets = outputNames(inputPath, outDir, language);
  mkdirSync(path.resolve(outDir), { recursive: true });
  for (const name of ['video', 'subtitles', 'dubStem'] as const) place(sources[name], targets[name]);
  return targets;
}

function place(source: string, target: string): void {
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  copyFileSync(source, partial, constants.COPYFILE_FICLONE);
  renameSync(partial, target);
}

/** Removes what a cancelled job may have left half-written in the output folder. */
export function removePartialOutputs(inputPath: string, outDir: string, language: string): void {
  for (const target of Object.values(outputNames(inputPath, outDir, language))) rmSync(`${target}.partial`, { force: true });
}
