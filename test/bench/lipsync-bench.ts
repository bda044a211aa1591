// `npm run bench`, the lip-sync part: Redub's plumbing around the lip-sync models on a generated
// 720p video with the tiny packs the tests use (their graphs do almost no arithmetic, so what is
// timed is decoding, detection's resize, the crops, the mel windows, the paste and the encode),
// each set against what ffmpeg alone pays for the same frames, timed in the same run so the
// ratios do not depend on the machine:
//
// - one 4-second segment through readFramesThreaded → detect → crop → model → paste →
//   ThreadedFrameEncoder (FFV1, as the lip-sync stage keeps its frames), against one ffmpeg
//   command decoding the same frames to RGB and encoding them with the same FFV1 settings
//   (target ≤ 1.5×); the same frames through the same pipes with no processing are timed too, to
//   tell the pipes from the models' plumbing;
// - the export's smart cut of that segment into the video (writeLipSyncedVideo), against a plain
//   stream-copy remux of the file plus ffmpeg encoding the re-encoded groups alone with the smart
//   cut's own libx264 settings.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Wav2LipLipSyncer } from '../../src-main/core/engines/lipsync/wav2lip-lip-syncer.js';
import type { LipSyncStats } from '../../src-main/core/engines/lipsync/lip-syncer.js';
import { renderThrough } from '../../src-main/core/engines/lipsync/render-stream.js';
import { detectExecutionProviders } from '../../src-main/core/models/execution-providers.js';
import { executionPreferenceSchema } from '../../src-main/shared/contract.js';
import { layoutVideo } from '../../src-main/core/media/gop-layout.js';
import { freeParameterSetId, parseAvcConfiguration } from '../../src-main/core/media/h264-parameter-sets.js';
import { FramePool, rgbFrameBytes } from '../../src-main/core/media/raw-video.js';
import { ThreadedFrameEncoder } from '../../src-main/core/media/threaded-frame-encoder.js';
import { readFramesThreaded } from '../../src-main/core/media/threaded-frame-reader.js';
import { lipSyncFrameEncoding } from '../../src-main/core/pipeline/stages/lipsync.js';
import { runFfmpeg } from '../../src-main/core/media/run-ffmpeg.js';
import { planPieces } from '../../src-main/core/media/smart-cut-plan.js';
import { defaultEncodeQuality, matchingH264Arguments, videoEncoders } from '../../src-main/core/media/video-encoder-settings.js';
import { listVideoPackets, probeVideoStream, type VideoStreamParameters } from '../../src-main/core/media/video-packets.js';
import { readWavFrames } from '../../src-main/core/media/wav-frames.js';
import { writeLipSyncedVideo } from '../../src-main/core/pipeline/lipsync-video.js';
import { drawTinyFace, writeTinyYunet } from '../fixtures/onnx/tiny-yunet.js';
import { writeTinyWav2Lip } from '../fixtures/onnx/tiny-wav2lip.js';
import { printFigures, rounded, timed } from './bench-kit.js';

const width = 1280;
const height = 720;
const fps = 25;
const videoSeconds = 20;
const group = 50;
/** The tiny detector's face: the frame is halved into its 640 input, where a 64-pixel square
 * centred on a stride-16 cell (here cell 20, 10) is what it finds. */
const face = { x: 592, y: 272, size: 128 };
/** Four seconds, starting and ending inside a group, as a person's marked segment does. */
const segment = { fromFrame: 210, toFrame: 310 };
const frameCount = segment.toFrame - segment.fromFrame;
const ffv1 = lipSyncFrameEncoding;
const runs = Number(process.env.REDUB_BENCH_LIPSYNC_RUNS ?? 3);
/** 'auto' takes a GPU where ONNX Runtime has one; the figures say which provider ran. */
const preference = executionPreferenceSchema.parse(process.env.REDUB_BENCH_LIPSYNC_PROVIDER ?? 'auto');
/** Where the other benches keep their generated videos (bench-fixture.ts, which would load eSpeak NG to import). */
const benchDir = path.resolve('bench', '.generated');

/** The bench's video, made once into bench/.generated: a darkened test pattern (every frame
 * differs, so the encoders have real work) with the tiny detector's face on it, and a tone. */
async function benchLipSyncVideo(): Promise<string> {
  const file = path.join(benchDir, `lipsync-${height}p-${videoSeconds}s-gop${group}.mp4`);
  if (existsSync(file)) return file;
  mkdirSync(benchDir, { recursive: true });
  const partial = `${file}.partial.mp4`;
  await runFfmpeg([
    '-y', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`,
    // A tone whose loudness swells and fades, so the mel windows differ from frame to frame.
    '-f', 'lavfi', '-i', 'aevalsrc=0.4*sin(2*PI*220*t)*(0.5+0.5*sin(2*PI*1.5*t)):s=48000',
    '-vf', `lutrgb=r=val*0.2:g=val*0.2:b=val*0.2,drawbox=x=${face.x}:y=${face.y}:w=${face.size}:h=${face.size}:color=0xDCC8B4@1:t=fill`,
    '-c:v', 'libx264', '-preset', 'medium', '-pix_fmt', 'yuv420p', '-g', String(group), '-keyint_min', String(group), '-sc_threshold', '0', '-bf', '3',
    '-c:a', 'aac', '-frames:v', String(videoSeconds * fps), '-t', String(videoSeconds), partial,
  ]);
  renameSync(partial, file);
  return file;
}

/** The segment's audio as 16 kHz mono, padded with silence to the segment's length. */
async function segmentAudio(video: string, work: string): Promise<Float32Array> {
  const wav = path.join(work, 'segment.wav');
  await runFfmpeg(['-y', '-ss', String(segment.fromFrame / fps), '-t', String(frameCount / fps), '-i', video, '-map', '0:a:0', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', wav]);
  const wanted = Math.round((frameCount * 16_000) / fps);
  const padded = new Float32Array(wanted);
  padded.set((readWavFrames(wav, 0, wanted).channels[0] ?? new Float32Array(0)).subarray(0, wanted));
  return padded;
}

/** The segment's frames, `startSeconds` the stream's first timestamp, read ahead from a thread as the lip-sync stage reads them. */
const frames = (video: string, startSeconds: number, pool?: FramePool) => readFramesThreaded(video, { ...segment, frameCount, width, height, fps, startSeconds, pool });

/** Decode → detect → crop → model → paste → FFV1 encode, in chunks as the lip-sync stage does it. */
async function lipSyncSegment(syncer: Wav2LipLipSyncer, video: string, startSeconds: number, audio16k: Float32Array, outputPath: string, frameRate: string): Promise<LipSyncStats> {
  const renderer = syncer.begin({ width, height, fps, audio16k, frameCount, framesHandedOver: true });
  const pool = new FramePool(rgbFrameBytes(width, height));
  const encoder = new ThreadedFrameEncoder({ outputPath, width, height, frameRate, encoderArgs: ffv1, pool });
  try {
    const stats = await renderThrough(renderer, frames(video, startSeconds, pool), encoder);
    await encoder.finish();
    return stats;
  } catch (error) {
    await encoder.abandon();
    throw error;
  }
}

/** The same frames through the stage's pipes with nothing done to them: what the models' plumbing adds is the rest. */
async function pipeSegment(video: string, startSeconds: number, outputPath: string, frameRate: string): Promise<void> {
  const pool = new FramePool(rgbFrameBytes(width, height));
  const encoder = new ThreadedFrameEncoder({ outputPath, width, height, frameRate, encoderArgs: ffv1, pool });
  try {
    for await (const frame of frames(video, startSeconds, pool)) await encoder.write(frame);
    await encoder.finish();
  } catch (error) {
    await encoder.abandon();
    throw error;
  }
}

/** The seek readFrames makes: half a frame before the first frame wanted, on the stream's own clock. */
const seekTo = (startSeconds: number, frame: number) => ['-seek_timestamp', '1', '-ss', (startSeconds + (frame - 0.5) / fps).toFixed(6)];

/** ffmpeg alone: the same frames decoded, made RGB as the pipes carry them, and encoded with the same FFV1 settings. */
const ffmpegSegment = (video: string, startSeconds: number, outputPath: string) =>
  runFfmpeg(['-y', ...seekTo(startSeconds, segment.fromFrame), '-i', video, '-map', '0:v:0', '-an', '-sn', '-dn', '-vsync', 'passthrough', '-frames:v', String(frameCount), '-vf', 'format=rgb24', ...ffv1, outputPath]);

/**
 * The groups the smart cut re-encodes, each encoded by ffmpeg alone from the original (decoded,
 * not piped) with the arguments the smart cut gives libx264 for that stretch.
 */
async function encodeRangeAlone(video: string, stream: VideoStreamParameters, work: string): Promise<{ seconds: number; frames: number }> {
  const packets = await listVideoPackets(video);
  const result = layoutVideo(packets, stream.timeBase, stream.frameRate ?? stream.averageFrameRate);
  if (!result.layout) throw new Error(`The bench video cannot be laid out as groups of pictures: ${result.reason}`);
  const { layout } = result;
  const header = stream.extradata && parseAvcConfiguration(stream.extradata);
  const parameterSetId = header ? freeParameterSetId(header) : null;
  if (parameterSetId === null) throw new Error('The bench video has no H.264 parameter-set id free for a re-encoded piece.');
  const encoders = await videoEncoders();
  const longestGroup = Math.max(...layout.groups.map((each) => each.endFrame - each.firstFrame));
  let seconds = 0;
  let encodedFrames = 0;
  for (const piece of planPieces(layout, [[segment.fromFrame, segment.toFrame]]).filter((each) => each.kind === 'encode')) {
    const keyframes = layout.groups.slice(piece.firstGroup, piece.endGroup).map((each) => each.firstFrame - piece.firstFrame);
    const settings = matchingH264Arguments(stream, { keyframes, parameterSetId, reorderFrames: layout.reorderFrames, longestGroup }, defaultEncodeQuality, encoders);
    if (settings.reason !== undefined) throw new Error(`The smart cut's settings cannot be made for the bench video: ${settings.reason}`);
    const pieceFrames = piece.endFrame - piece.firstFrame;
    seconds += await timed(() => runFfmpeg([
      '-y', ...seekTo(stream.startSeconds ?? 0, piece.firstFrame), '-i', video, '-map', '0:v:0', '-vsync', 'passthrough', '-frames:v', String(pieceFrames),
      ...settings.args, path.join(work, `range-${piece.firstFrame}.mp4`),
    ]));
    encodedFrames += pieceFrames;
  }
  return { seconds, frames: encodedFrames };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const root = mkdtempSync(path.join(tmpdir(), 'redub-lipsync-bench-'));
try {
  const video = await benchLipSyncVideo();
  const stream = await probeVideoStream(video);
  const startSeconds = stream.startSeconds ?? 0;
  const rate = stream.frameRate ?? stream.averageFrameRate;
  const frameRate = rate ? `${rate.numerator}/${rate.denominator}` : String(fps);
  const packs = { detector: path.join(root, 'yunet'), model: path.join(root, 'wav2lip') };
  writeTinyYunet(packs.detector);
  writeTinyWav2Lip(packs.model);
  const audio16k = await segmentAudio(video, root);

  const loading = performance.now();
  const syncer = await Wav2LipLipSyncer.load(packs, preference, (message) => console.warn(message));
  const loadMs = performance.now() - loading;
  try {
    // Warm-up, untimed: the sessions' first runs, on a drawn frame the detector must find.
    const still = new Uint8Array(width * height * 3).fill(24);
    drawTinyFace(still, width, face.x, face.y, face.size);
    const warm = await syncer.render({ frames: [still, still.slice(), still.slice()], width, height, fps }, audio16k.subarray(0, 16_000 / 5));
    if (warm.stats.framesWithFace !== 3) throw new Error(`The tiny detector did not find the drawn face (${JSON.stringify(warm.stats)}): the bench's face position is wrong.`);

    const lipSyncSeconds: number[] = [];
    const pipeSeconds: number[] = [];
    const ffmpegSeconds: number[] = [];
    let stats: LipSyncStats = { framesWithFace: 0, framesWithoutFace: 0 };
    const rendered = path.join(root, 'segment.mkv');
    const outputs = [rendered, path.join(root, 'ffmpeg.mkv'), path.join(root, 'pipe.mkv')] as const;
    for (let run = 0; run < runs; run++) {
      // Each run writes afresh (the FFV1 files are some 100 MB each); interleaved, so a slow
      // spell of the machine falls on both sides of each ratio.
      for (const file of outputs) rmSync(file, { force: true });
      lipSyncSeconds.push(await timed(async () => (stats = await lipSyncSegment(syncer, video, startSeconds, audio16k, rendered, frameRate))));
      ffmpegSeconds.push(await timed(() => ffmpegSegment(video, startSeconds, outputs[1])));
      pipeSeconds.push(await timed(() => pipeSegment(video, startSeconds, outputs[2], frameRate)));
    }
    if (stats.framesWithFace !== frameCount) throw new Error(`The face was found in ${stats.framesWithFace} of the segment's ${frameCount} frames; the figures would not include the model's work.`);
    for (const file of outputs) {
      const written = (await listVideoPackets(file)).length;
      if (written !== frameCount) throw new Error(`${path.basename(file)} has ${written} frames, not the segment's ${frameCount}: the sides did not do the same work.`);
    }
    for (const file of outputs.slice(1)) rmSync(file, { force: true });

    // The export: the rendered segment stitched in, the rest of the video stream-copied.
    const log: string[] = [];
    const exported = path.join(root, 'exported.mp4');
    let method = '';
    let reencodedFrames = 0;
    const smartCutSeconds = await timed(async () => {
      const result = await writeLipSyncedVideo(video, { video: { width, height, fps }, segments: [{ id: 'bench', ...segment, file: rendered }] }, exported, { log: (line) => log.push(line) });
      method = result.method;
      reencodedFrames = result.reencodedFrames;
    });
    if (method !== 'smart-cut') throw new Error(`The export fell back to ${method}: ${log.join(' ')}`);
    const remuxSeconds = await timed(() => runFfmpeg(['-y', '-i', video, '-c', 'copy', path.join(root, 'remux.mp4')]));
    const range = await encodeRangeAlone(video, stream, root);
    if (range.frames !== reencodedFrames) throw new Error(`The smart cut re-encoded ${reencodedFrames} frames, the baseline ${range.frames}.`);
    const baselineSeconds = remuxSeconds + range.seconds;

    const lipSync = median(lipSyncSeconds);
    const ffmpeg = median(ffmpegSeconds);
    const pipe = median(pipeSeconds);
    const gpu = detectExecutionProviders().filter((provider) => provider.name !== 'cpu');
    const figures = {
      executionProvider: syncer.executionProvider,
      gpuProviders: Object.fromEntries(gpu.map((provider) => [provider.name, provider.available ? 'available' : provider.reason])),
      video: `${width}x${height}, ${fps} fps, ${videoSeconds} s, H.264 GOP ${group}`,
      loadMs: rounded(loadMs, 1),
      segmentFrames: frameCount,
      lipSyncFps: rounded(frameCount / lipSync, 1),
      ffmpegDecodeEncodeFps: rounded(frameCount / ffmpeg, 1),
      pipeOnlyFps: rounded(frameCount / pipe, 1),
      lipSyncOverFfmpegRatio: rounded(lipSync / ffmpeg, 2),
      pipeOnlyOverFfmpegRatio: rounded(pipe / ffmpeg, 2),
      lipSyncMediaSecondsPerSecond: rounded(frameCount / fps / lipSync, 2),
      smartCut: {
        seconds: rounded(smartCutSeconds),
        mediaSecondsPerSecond: rounded(videoSeconds / smartCutSeconds, 1),
        reencodedFrames,
        remuxSeconds: rounded(remuxSeconds),
        rangeEncodeSeconds: rounded(range.seconds),
        baselineMediaSecondsPerSecond: rounded(videoSeconds / baselineSeconds, 1),
      },
      smartCutOverBaselineRatio: rounded(smartCutSeconds / baselineSeconds, 2),
      runs: {
        lipSyncSeconds: lipSyncSeconds.map((value) => rounded(value)),
        ffmpegSeconds: ffmpegSeconds.map((value) => rounded(value)),
        pipeSeconds: pipeSeconds.map((value) => rounded(value)),
      },
      targets: { lipSyncOverFfmpegRatio: 1.5 },
    };
    console.log(
      `lip-sync (tiny packs, ${figures.executionProvider}): ${frameCount} frames of ${width}×${height} at ${figures.lipSyncFps} fps, ` +
        `${figures.lipSyncOverFfmpegRatio}× ffmpeg's own decode and FFV1 encode (${figures.ffmpegDecodeEncodeFps} fps; the bare pipes ${figures.pipeOnlyFps} fps), medians of ${runs}; ` +
        `smart-cut export of the ${videoSeconds} s video in ${figures.smartCut.seconds} s (${reencodedFrames} frames re-encoded), ` +
        `${figures.smartCutOverBaselineRatio}× a stream-copy remux (${figures.smartCut.remuxSeconds} s) plus that range's libx264 encode (${figures.smartCut.rangeEncodeSeconds} s)`,
    );
    printFigures(figures);
  } finally {
    await syncer.dispose();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
