// Owns what the front door does with a job's lip-sync plan once the job exists: the plan as the
// job's details carry it (segments, added audio, the segment limit), replacing the segments
// (PUT /jobs/{id}/lipsync, the timeline's lane) — checked by the same validator as at creation,
// against the job's video and audio — and queuing the job again so lip-sync and the export re-run,
// as a render after cue edits does; and where an added audio file is, to serve it.
import path from 'node:path';
import { RedubError } from '../../shared/errors.js';
import { audioRefIdProblem, dubAudioRefId, type AudioRefSummary, type LipSyncPlan, type LipSyncSegment } from '../../shared/lipsync.js';
import type { FileLocation } from '../files/served-file.js';
import { probeMedia, type MediaInfo } from '../media/probe.js';
import type { InstalledModels } from '../pipeline/model-choice.js';
import { checkLipSyncSegments, requireLipSyncPacks, type LipSyncVideo } from '../pipeline/lipsync-request.js';
import type { JobRow } from '../queue/job-queue.js';
import type { RedubCore } from '../redub-core.js';
import { changeAndRequeue } from './change-and-requeue.js';

type Core = Pick<RedubCore, 'store' | 'cache'>;

export function lipSyncPlan(core: Core, jobId: string, maxSegments: number): LipSyncPlan {
  const { lipSync } = core.store;
  return { segments: lipSync.segments(jobId), audio: audioSummaries(core, jobId), maxSegments };
}

export function audioSummaries(core: Core, jobId: string): AudioRefSummary[] {
  return core.store.lipSync.audio(jobId).map((ref) => ({ id: ref.id, durationMs: ref.durationMs, name: path.basename(ref.path) }));
}

/**
 * Replaces every segment of `job` (a running job is refused: its lip-sync stage may be reading
 * them) and queues it again: a finished one from the start (its stages' results are reused where
 * nothing changed), a failed or cancelled one as a retry, a waiting one as it is.
 */
export async function replaceLipSync(core: Core, job: JobRow, segments: LipSyncSegment[], maxSegments: number, models: () => Promise<InstalledModels>): Promise<JobRow> {
  const check = async () => {
    const video = await jobVideo(core, job);
    checkLipSyncSegments(segments, video, core.store.lipSync.audio(job.id), maxSegments);
    if (segments.length > 0) requireLipSyncPacks(await models());
  };
  return changeAndRequeue(core.store, job, 'its lip-sync segments', check, () => core.store.lipSync.replaceSegments(job.id, segments));
}

/** Where an added audio file is, bounded by its own folder (so a link cannot lead elsewhere). */
export function audioLocation(core: Core, jobId: string, refId: string): FileLocation {
  if (refId === dubAudioRefId) {
    throw new RedubError('E_BAD_REQUEST', { details: ['"dub" is the job\'s own dubbed track: GET /jobs/{id}/media/mix serves its audio.'] });
  }
  const problem = audioRefIdProblem(refId);
  if (problem) throw new RedubError('E_BAD_REQUEST', { details: [problem] });
  const refs = core.store.lipSync.audio(jobId);
  const ref = refs.find((candidate) => candidate.id === refId);
  if (!ref) {
    const known = refs.length > 0 ? `its audio is ${refs.map((candidate) => `"${candidate.id}"`).join(', ')}` : 'it has no added audio';
    throw new RedubError('E_BAD_REQUEST', { details: [`Job ${jobId} has no audio "${refId}"; ${known}.`] });
  }
  return { file: ref.path, folder: path.dirname(ref.path) };
}

/**
 * The video's length and frame rate: recorded by the probe stage, else its cached result, else
 * the input probed now (a job queued but not yet started). A URL not yet downloaded has no video.
 */
async function jobVideo(core: Core, job: JobRow): Promise<LipSyncVideo> {
  const recorded = core.store.jobs.media(job.id);
  if (recorded) return recorded;
  const key = core.store.stages.artifactKey(job.id, 'probe');
  if (key && core.cache.has(key)) {
    const media = core.cache.read<MediaInfo>(key);
    return { durationMs: media.durationMs, fps: media.video.fps };
  }
  try {
    const media = await probeMedia(job.inputPath);
    return { durationMs: media.durationMs, fps: media.video.fps };
  } catch (error) {
    if (error instanceof RedubError && error.code === 'E_INPUT_MISSING') {
      throw new RedubError('E_NOT_READY', { message: 'The job has no video to check the segments against yet.', details: [`${job.inputPath} is not there (yet): a video named by URL is there once downloaded.`], action: 'Wait until the job has downloaded and probed its video, then send the segments again.' });
    }
    throw error;
  }
}
