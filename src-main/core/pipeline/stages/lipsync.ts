// The lip-sync stage: the frames of each segment a person marked, with the speaker's mouth moved
// to the segment's audio (the dub's voice, or the segment's own file as the mix carries it). Only
// those frames are decoded — through a raw-video pipe, a few at a time, never as image files — and
// the re-rendered frames are kept losslessly (FFV1) as one item per segment, keyed by its frames,
// its audio and the models: moving one segment or changing its audio renders that segment only.
// The export stitches them into the video (media/smart-cut.ts).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ExecutionPreference } from '../../../shared/contract.js';
import { dubAudioRefId } from '../../../shared/lipsync.js';
import { msToSamples } from '../../../shared/time.js';
import { resample } from '../../engines/audio/resample.js';
import type { LipSyncStats, LipSyncer } from '../../engines/lipsync/lip-syncer.js';
import { renderThrough } from '../../engines/lipsync/render-stream.js';
import type { LipSyncPackDirectories } from '../../engines/lipsync/lipsync-version.js';
import { lipSyncPacks } from '../../engines/lipsync/lipsync-packs.js';
import { engineRevisions } from '../../engines/revisions.js';
import { fileState } from '../model-state.js';
import { melSampleRate } from '../../engines/lipsync/wav2lip-mel.js';
import { FramePool, readFrames, rgbFrameBytes } from '../../media/raw-video.js';
import { ThreadedFrameEncoder } from '../../media/threaded-frame-encoder.js';
import { readFramesThreaded } from '../../media/threaded-frame-reader.js';
import { probeVideoStream } from '../../media/video-packets.js';
import { readWavFrames } from '../../media/wav-frames.js';
import { readWavLayout } from '../../media/wav.js';
import { ArtifactCache, hashOf } from '../artifact-cache.js';
import { letHeartbeatsThrough } from '../heartbeats.js';
import { videoTimeline } from '../lipsync-video.js';
import { declareStage, placementFor } from '../stage.js';
import { downloadStage, inputFingerprintOf } from './download.js';
import { lipSyncAudioStage } from './lipsync-audio.js';
import { mixStage } from './mix.js';
import { inputPathIsNeutral, probeStage } from './probe.js';
import { providerIsNeutral } from './vad.js';

export interface LipSyncParams {
  inputPath: string;
  inputFingerprint: string;
  video: { width: number; height: number; fps: number };
  segments: {
    id: string;
    /** Frames [fromFrame, toFrame) of the file's timeline (frame n at n / fps from its start), where the segment's times are. */
    fromFrame: number;
    toFrame: number;
    /** The WAV whose samples from `offsetMs` on the lips follow: the dub's voice stem, or the segment's prepared audio. */
    audio: { file: string; offsetMs: number };
  }[];
  packs: LipSyncPackDirectories;
  executionProvider: ExecutionPreference;
}

export interface RenderedSegment extends LipSyncStats {
  id: string;
  /** Frames [fromFrame, toFrame) of the video stream (counted from its first frame), as the smart cut takes them. */
  fromFrame: number;
  toFrame: number;
  key: string;
  /** The segment's frames, re-rendered, as lossless FFV1 in Matroska. */
  file: string;
}

export interface LipSyncResult {
  segments: RenderedSegment[];
}

export const lipSyncStage = declareStage<LipSyncParams, LipSyncResult>({
  name: 'lipsync',
  // 2: a video that starts after its sound renders the frames shown at the segment's times, not those its times count from its first frame.
  version: 2,
  weight: { plain: 20, neural: 20 },
  skipsJob: (options) => options.lipSyncSegments.length === 0,
  consumes: [downloadStage, probeStage, mixStage, lipSyncAudioStage],
  plan(context) {
    const { options, output, lipSyncPacks } = context;
    if (options.lipSyncSegments.length === 0 || !lipSyncPacks) return null;
    const media = output(probeStage)!.result;
    const mix = output(mixStage)!;
    const prepared = new Map((output(lipSyncAudioStage)?.result.segments ?? []).map((segment) => [segment.id, segment]));
    const frameOf = (ms: number) => Math.round((ms * media.video.fps) / 1000);
    return {
      inputPath: options.inputPath,
      inputFingerprint: inputFingerprintOf(context),
      video: { width: media.video.width, height: media.video.height, fps: media.video.fps },
      segments: options.lipSyncSegments.map((segment) => {
        const own = segment.audio.refId === dubAudioRefId ? null : prepared.get(segment.id);
        return {
          id: segment.id,
          fromFrame: frameOf(segment.startMs),
          toFrame: Math.max(frameOf(segment.startMs) + 1, frameOf(segment.endMs)),
          audio: own ? { file: own.file, offsetMs: 0 } : { file: mix.file(mix.result.voiceFile), offsetMs: segment.startMs },
        };
      }),
      packs: lipSyncPacks,
      executionProvider: options.executionProvider,
    };
  },
  outputNeutral: {
    inputPath: inputPathIsNeutral,
    executionProvider: providerIsNeutral,
  },
  // The stage runs again whenever the mix does (the voice stem is a new file), but each segment is
  // an item keyed by the samples it follows: a segment whose audio did not change is not rendered again.
  // A pack installed again renders again (as a voice does): its files' state is in the key.
  keyExtras: (params) => ({
    engine: engineRevisions.lipsync,
    detector: fileState(path.join(params.packs.detector, lipSyncPacks.detector.file)),
    model: fileState(path.join(params.packs.model, lipSyncPacks.model.file)),
  }),
  placement: () => placementFor(true, 'lipsync'),
  async run(params, context) {
    const syncer = await context.engines.warmModel(
      'lipsync',
      params.executionProvider,
      `${params.packs.detector}|${params.packs.model}`,
      (log) => import('../../engines/lipsync/wav2lip-lip-syncer.js').then(({ Wav2LipLipSyncer }) => Wav2LipLipSyncer.load(params.packs, params.executionProvider, log)),
      (message) => context.log('warn', message),
    );
    context.useExecutionProvider(syncer.executionProvider);
    const stream = await probeVideoStream(params.inputPath);
    const timeline = await videoTimeline(params.inputPath, stream);
    const rate = stream.frameRate ?? stream.averageFrameRate;
    const frameRate = rate ? `${rate.numerator}/${rate.denominator}` : String(params.video.fps);
    const cache = new ArtifactCache(context.task.artifactsRoot);
    // The plan counts frames on the file's timeline; the video's own frames start at its offset there.
    const shift = Math.round(timeline.offsetSeconds * params.video.fps);
    const streamSegments = params.segments.map((segment) => {
      const fromFrame = Math.max(0, segment.fromFrame - shift);
      return { ...segment, fromFrame, toFrame: Math.max(fromFrame + 1, segment.toFrame - shift) };
    });
    const totalFrames = streamSegments.reduce((sum, segment) => sum + segment.toFrame - segment.fromFrame, 0);
    let doneFrames = 0;
    let rendered = 0;
    const segments: RenderedSegment[] = [];
    for (const segment of streamSegments) {
      const audio = readSegmentAudio(segment, params.video.fps);
      const key = hashOf({ stage: 'lipsync', version: 1, input: params.inputFingerprint, frames: [segment.fromFrame, segment.toFrame], audio: audio.digest, engine: syncer.version });
      const file = cache.itemPath(key, '.mkv');
      // The counts are kept beside the frames, so a reused segment reports them as its render did.
      const statsFile = cache.itemPath(key, '.json');
      let stats = existsSync(file) ? readStats(statsFile) : null;
      if (!stats) {
        stats = await renderSegment(syncer, params, segment, audio, file, context.task.outDir, frameRate, timeline.startSeconds, (frames) => context.reportProgress((doneFrames + frames) / totalFrames));
        writeFileSync(statsFile, JSON.stringify(stats));
        rendered++;
        if (stats.framesWithFace === 0) context.log('warn', `Lip-sync segment "${segment.id}" shows no face in any of its ${segment.toFrame - segment.fromFrame} frames: its frames are left as they were.`);
        else if (stats.framesWithoutFace > 0) context.log('info', `Lip-sync segment "${segment.id}": ${stats.framesWithoutFace} of ${segment.toFrame - segment.fromFrame} frames show no face and are left as they were.`);
      }
      doneFrames += segment.toFrame - segment.fromFrame;
      segments.push({ id: segment.id, fromFrame: segment.fromFrame, toFrame: segment.toFrame, key, file, ...stats });
      await letHeartbeatsThrough();
    }
    context.log('info', `Lip-synced ${rendered} of ${segments.length} segment(s) on ${syncer.executionProvider}; the rest were rendered before.`);
    return { segments };
  },
  check: (_params, _directory, result) => result.segments.filter((segment) => !existsSync(segment.file)).map((segment) => `Segment "${segment.id}": ${segment.file} is missing.`),
  checkOnReuse: (result) => result.segments.filter((segment) => !existsSync(segment.file)).map((segment) => `Segment "${segment.id}": ${segment.file} is missing.`),
});

/** The samples of the segment's audio file the lips follow (its frames' span from the offset on), read once. */
interface SegmentAudio {
  /** As read: shorter than `length` where the file ends early. */
  samples: Float32Array;
  length: number;
  sampleRate: number;
  /** A digest of those samples: the segment's key changes exactly when they do. */
  digest: string;
}

function readSegmentAudio(segment: LipSyncParams['segments'][number], fps: number): SegmentAudio {
  const { sampleRate } = readWavLayout(segment.audio.file);
  const length = Math.round(((segment.toFrame - segment.fromFrame) * sampleRate) / fps);
  const samples = readWavFrames(segment.audio.file, msToSamples(segment.audio.offsetMs, sampleRate), length).channels[0] ?? new Float32Array(0);
  const digest = createHash('sha256').update(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength)).update(String(length)).digest('hex');
  return { samples, length, sampleRate, digest };
}

/** The segment's audio as 16 kHz mono, padded with silence past the file's end. */
function audioAt16k(audio: SegmentAudio): Promise<Float32Array> {
  const padded = new Float32Array(audio.length);
  padded.set(audio.samples.subarray(0, audio.length));
  return resample(padded, audio.sampleRate, melSampleRate);
}

/** FFV1 in planar RGB keeps every rendered byte; the export re-encodes these frames once, to the input's codec. */
export const lipSyncFrameEncoding = ['-c:v', 'ffv1', '-level', '3', '-pix_fmt', 'gbrp', '-f', 'matroska'];

/**
 * Decodes, re-renders and encodes one segment into `file`: written in the attempt's own folder
 * (`scratchDir`) and renamed into place when whole, so an attempt killed mid-render (a cancel
 * kills the worker) leaves its partial frames where the cache removes them, not among the items.
 */
async function renderSegment(
  syncer: LipSyncer,
  params: LipSyncParams,
  segment: LipSyncParams['segments'][number],
  audio: SegmentAudio,
  file: string,
  scratchDir: string,
  frameRate: string,
  startSeconds: number,
  onFrames: (frames: number) => void,
): Promise<LipSyncStats> {
  const { width, height, fps } = params.video;
  const frameCount = segment.toFrame - segment.fromFrame;
  // The frames come straight from the decoder and go nowhere else.
  const renderer = syncer.begin({ width, height, fps, audio16k: await audioAt16k(audio), frameCount, framesHandedOver: true });
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = path.join(scratchDir, `${path.basename(file)}.partial.mkv`);
  // The frames' buffers go round: read into, rendered in place, handed to the encoder and back.
  const pool = new FramePool(rgbFrameBytes(width, height));
  const encoder = new ThreadedFrameEncoder({ outputPath: partial, width, height, frameRate, encoderArgs: lipSyncFrameEncoding, pool });
  try {
    // Decoded ahead from a thread of its own, so decoding goes on while a model or a paste runs.
    const frames = readFramesThreaded(params.inputPath, { fromFrame: segment.fromFrame, frameCount, width, height, fps, startSeconds, pool });
    const stats = await renderThrough(renderer, frames, encoder, async (written) => {
      onFrames(written);
      await letHeartbeatsThrough();
    });
    await encoder.finish();
    renameSync(partial, file);
    return stats;
  } catch (error) {
    await encoder.abandon().catch(() => undefined);
    rmSync(partial, { force: true });
    throw error;
  }
}

/** The rendered frames of a segment as the export reads them back (exact RGB). */
export function readRenderedSegment(segment: RenderedSegment, video: { width: number; height: number; fps: number }): AsyncGenerator<Uint8Array> {
  return readFrames(segment.file, { fromFrame: 0, frameCount: segment.toFrame - segment.fromFrame, width: video.width, height: video.height, fps: video.fps, startSeconds: 0 });
}

function readStats(file: string): LipSyncStats | null {
  try {
    const stats = JSON.parse(readFileSync(file, 'utf8')) as Partial<LipSyncStats>;
    return typeof stats.framesWithFace === 'number' && typeof stats.framesWithoutFace === 'number' ? { framesWithFace: stats.framesWithFace, framesWithoutFace: stats.framesWithoutFace } : null;
  } catch {
    return null;
  }
}
