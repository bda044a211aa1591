// Owns where each of a job's media tracks is, and the folder it must lie in: the input it was
// made from (its own folder), the dubbed video (the job's output folder) and the dub's mixed audio
// as the last render left it (the mix artifact's folder). Only a job id and a track name lead
// here, never a path from a caller; openServedFile then refuses anything outside that folder.
import path from 'node:path';
import type { MediaTrack } from '../../shared/contract.js';
import { RedubError } from '../../shared/errors.js';
import { existsSync } from 'node:fs';
import type { FileLocation } from '../files/served-file.js';
import { readJobOptions } from '../pipeline/dub-options.js';
import type { JobRow } from '../queue/job-queue.js';
import type { RedubCore } from '../redub-core.js';

export function trackLocation(core: Pick<RedubCore, 'store' | 'cache'>, job: JobRow, track: MediaTrack): FileLocation {
  if (track === 'original') {
    if (!existsSync(job.inputPath)) throw new RedubError('E_INPUT_MISSING', { details: [`The original video ${job.inputPath} was moved or deleted.`] });
    return { file: job.inputPath, folder: path.dirname(job.inputPath) };
  }
  if (track === 'mix') {
    const location = mixLocation(core, job);
    if (!location) throw new RedubError('E_NOT_READY', { details: [`Job ${job.id} has no mix yet; it has one once its mix stage has run.`] });
    return location;
  }
  if (job.state !== 'done' || !job.outputs.video) {
    throw new RedubError('E_NOT_READY', { details: [`Job ${job.id} is ${job.state}; its dubbed video exists once it is done.`] });
  }
  if (!existsSync(job.outputs.video)) {
    throw new RedubError('E_NOT_READY', { details: [`The dubbed video ${job.outputs.video} was moved or deleted.`], action: 'Retry the job to make the file again.' });
  }
  let folder = path.dirname(job.outputs.video);
  try {
    folder = readJobOptions(job.options).outDir;
  } catch {
    // Options that no longer read: the file's own folder bounds it.
  }
  return { file: job.outputs.video, folder };
}

/** Where the last mix this job committed lives (the stage's artifact), or null before there is one. */
export function mixLocation(core: Pick<RedubCore, 'store' | 'cache'>, job: JobRow): FileLocation | null {
  const key = core.store.stages.artifactKey(job.id, 'mix');
  if (!key || !core.cache.has(key)) return null;
  const directory = core.cache.directory(key);
  return { file: path.join(directory, core.cache.read<{ mixFile: string }>(key).mixFile), folder: directory };
}
