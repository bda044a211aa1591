// The lip-sync audio stage: for each lip-sync segment whose audio is not the dub (a voice actor's
// take, a file the user added), that audio as the segment will carry it — cropped, time-fitted to
// the segment when "fit" is on, else cut or padded to its length — at the mix's rate. The mix puts
// it in place of the dubbed speech over the segment, and the lip-sync stage moves the lips to it,
// so what the track says and what the mouth says agree. Each segment's audio is an item of its
// own, keyed by the file's fingerprint, the crop, the fit and the length: editing one segment
// prepares that segment's audio only.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { dubAudioRefId } from '../../../shared/lipsync.js';
import { RedubError } from '../../../shared/errors.js';
import { msToSamples } from '../../../shared/time.js';
import { timeScale } from '../../engines/fit/time-scale.js';
import { runFfmpeg } from '../../media/run-ffmpeg.js';
import { readWav } from '../../media/wav.js';
import { ArtifactCache, hashOf } from '../artifact-cache.js';
import { letHeartbeatsThrough } from '../heartbeats.js';
import { itemProblems } from '../output-checks.js';
import { cpuPlacement, declareStage } from '../stage.js';
import { mixSampleRate } from './fit.js';
import { writeItem } from './synthesize.js';

export interface LipSyncAudioParams {
  segments: {
    id: string;
    startMs: number;
    endMs: number;
    audio: { path: string; fingerprint: string; cropStartMs: number; cropEndMs: number };
    fit: boolean;
  }[];
}

export interface PreparedSegmentAudio {
  id: string;
  startMs: number;
  endMs: number;
  key: string;
  file: string;
}

export interface LipSyncAudioResult {
  segments: PreparedSegmentAudio[];
}

export const lipSyncAudioStage = declareStage<LipSyncAudioParams, LipSyncAudioResult>({
  name: 'lipsync-audio',
  version: 1,
  weight: { plain: 1, neural: 1 },
  skipsJob: (options) => !options.lipSyncSegments.some((segment) => segment.audio.refId !== dubAudioRefId),
  consumes: [],
  plan({ options }) {
    const refs = new Map(options.audioRefs.map((ref) => [ref.id, ref]));
    const segments = options.lipSyncSegments
      .filter((segment) => segment.audio.refId !== dubAudioRefId)
      .map((segment) => {
        const ref = refs.get(segment.audio.refId);
        // The validator refused unknown refIds before the job was queued; a job that still names one was edited by hand.
        if (!ref) throw new RedubError('E_LIPSYNC_INVALID', { details: [`Segment "${segment.id}" uses audio "${segment.audio.refId}", which this job does not have.`] });
        return {
          id: segment.id,
          startMs: segment.startMs,
          endMs: segment.endMs,
          audio: { path: ref.path, fingerprint: ref.fingerprint, cropStartMs: segment.audio.cropStartMs ?? 0, cropEndMs: segment.audio.cropEndMs ?? ref.durationMs },
          fit: segment.fit ?? false,
        };
      });
    return segments.length > 0 ? { segments } : null;
  },
  outputNeutral: {
    'segments[].audio.path': 'The fingerprint stands for the file: the same audio moved or renamed is the same audio.',
  },
  placement: () => cpuPlacement,
  async run(params, context) {
    const cache = new ArtifactCache(context.task.artifactsRoot);
    const segments: PreparedSegmentAudio[] = [];
    for (const [position, segment] of params.segments.entries()) {
      const lengthMs = segment.endMs - segment.startMs;
      const key = hashOf({ stage: 'lipsync-audio', version: 1, fingerprint: segment.audio.fingerprint, crop: [segment.audio.cropStartMs, segment.audio.cropEndMs], fit: segment.fit, lengthMs });
      const file = cache.itemPath(key, '.wav');
      if (!existsSync(file)) {
        const cropped = await decodeCrop(segment.audio.path, segment.audio.cropStartMs, segment.audio.cropEndMs, context.task.outDir);
        const fitted = segment.fit && cropped.length > 0 ? await timeScale(cropped, mixSampleRate, cropped.length / msToSamples(lengthMs, mixSampleRate)) : cropped;
        writeItem(file, [exactLength(fitted, msToSamples(lengthMs, mixSampleRate))], mixSampleRate);
        context.log('info', `Prepared the audio of lip-sync segment "${segment.id}"${segment.fit ? ', time-fitted to the segment' : ''}.`);
      }
      segments.push({ id: segment.id, startMs: segment.startMs, endMs: segment.endMs, key, file });
      context.reportProgress((position + 1) / params.segments.length);
      await letHeartbeatsThrough();
    }
    return { segments };
  },
  check: (_params, _directory, result) => itemProblems(numbered(result.segments)),
  checkOnReuse: (result) => itemProblems(numbered(result.segments)),
});

const numbered = (segments: PreparedSegmentAudio[]) => segments.map((segment, index) => ({ index, file: segment.file }));

/** The file's audio over [fromMs, toMs), mono at the mix's rate, decoded by ffmpeg into a scratch folder. */
async function decodeCrop(filePath: string, fromMs: number, toMs: number, scratchParent: string): Promise<Float32Array> {
  const scratch = mkdtempSync(path.join(scratchParent, 'crop-'));
  try {
    const wav = path.join(scratch, 'crop.wav');
    // -ss after -i: decoded from the start and cut at the exact sample, as the crop handles show it.
    await runFfmpeg(['-y', '-i', filePath, '-ss', String(fromMs / 1000), '-t', String((toMs - fromMs) / 1000), '-vn', '-ac', '1', '-ar', String(mixSampleRate), '-c:a', 'pcm_s16le', wav]);
    return readWav(wav).channels[0] ?? new Float32Array(0);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `samples` cut or padded with silence to exactly `length` samples. */
function exactLength(samples: Float32Array, length: number): Float32Array {
  if (samples.length === length) return samples;
  const result = new Float32Array(length);
  result.set(samples.subarray(0, Math.min(length, samples.length)));
  return result;
}
