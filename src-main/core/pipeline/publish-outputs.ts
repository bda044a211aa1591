// Puts a job's deliverables where the user asked for them. They are copies, never hard links:
// a user who edits an output in place must not corrupt the cached artifact behind it. Where the
// file system supports it the copy is a copy-on-write clone and costs nothing. Each file appears
// under its final name only once complete.
import { constants, copyFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { RedubError } from '../../shared/errors.js';
import { syncToDisk } from '../files/sync-to-disk.js';
import { jobOutputKinds, type JobOutputs } from '../../shared/jobs.js';

type Deliverable = (typeof jobOutputKinds)[number];

export function outputNames(inputPath: string, outDir: string, language: string): Required<Pick<JobOutputs, Deliverable>> {
  const base = path.join(path.resolve(outDir), path.parse(inputPath).name);
  return { video: `${base}.${language}.mp4`, subtitles: `${base}.${language}.srt`, webVtt: `${base}.${language}.vtt`, ass: `${base}.${language}.ass`, dubStem: `${base}.${language}.dub.wav`,
    vocalsStem: `${base}.${language}.vocals.wav`, backgroundStem: `${base}.${language}.background.wav` };
}

export function publishOutputs(inputPath: string, outDir: string, language: string, sources: Partial<Record<Deliverable, string>>): JobOutputs {
  const targets = outputNames(inputPath, outDir, language);
  mkdirSync(path.resolve(outDir), { recursive: true });
  const placed: JobOutputs = {};
  try {
    for (const name of jobOutputKinds) {
      const source = sources[name];
      if (!source) continue;
      place(source, targets[name]);
      placed[name] = targets[name];
    }
  } catch (error) {
    // A job that did not finish leaves no outputs that look finished (a video without its stem).
    for (const file of Object.values(placed)) rmSync(file, { force: true });
    throw error;
  }
  return placed;
}

function place(source: string, target: string): void {
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  try {
    copyFileSync(source, partial, constants.COPYFILE_FICLONE);
    // A full disk can cut a copy short without an error from every file system: check its length.
    if (statSync(partial).size !== statSync(source).size) throw new RedubError('E_DISK_FULL', { details: [`Only part of ${path.basename(target)} could be written.`] });
    // On disk before it takes its name: after a power cut the file is whole or absent.
    syncToDisk(partial);
    renameSync(partial, target);
    syncToDisk(path.dirname(target));
  } catch (error) {
    // Nothing half-written stays in the user's folder.
    rmSync(partial, { force: true });
    throw error;
  }
}

/** Removes what a cancelled job may have left half-written in the output folder. */
export function removePartialOutputs(inputPath: string, outDir: string, language: string): void {
  for (const target of Object.values(outputNames(inputPath, outDir, language))) rmSync(`${target}.partial`, { force: true });
}

