import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameEncoder, FramePool, readFrames, rgbFrameBytes } from '../../../src-main/core/media/raw-video.js';
import { framesAhead, readFramesThreaded } from '../../../src-main/core/media/threaded-frame-reader.js';
import { listVideoPackets } from '../../../src-main/core/media/video-packets.js';
import { makeGopVideo } from '../../fixtures/gop-video.js';
import { decodedFrames, psnr } from '../../helpers/media-compare.js';
import { childProcesses } from '../../helpers/job-watch.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const width = 320;
const height = 180;
const fps = 25;
const shared = mkdtempSync(path.join(tmpdir(), 'redub-raw-video-'));
const temporaryDirectory = useTemporaryDirectory('redub-raw-video-out-');
let video = '';
let allFrames: Uint8Array[] = [];

beforeAll(async () => {
  // 4 s, a keyframe every 25 frames, B-frames: seeking must land between keyframes exactly.
  video = await makeGopVideo(shared, { seconds: 4, size: `${width}x${height}`, audio: true });
  allFrames = await decodedFrames(video, width, height);
});
afterAll(() => rmSync(shared, { recursive: true, force: true }));

async function collect(frames: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const collected: Uint8Array[] = [];
  for await (const frame of frames) collected.push(frame);
  return collected;
}

/** The ffmpeg and ffprobe children of this test process, which every test must leave with none. */
function ffmpegChildren(): number[] {
  return [...childProcesses(process.pid, 'ffmpeg'), ...childProcesses(process.pid, 'ffprobe')];
}

// The frames read on this thread, and read ahead on one of its own: the same frames, the same errors.
const frameBytes = rgbFrameBytes(width, height);
const framesAheadOf = (size: { width: number; height: number }) => framesAhead(rgbFrameBytes(size.width, size.height));
describe.each([
  { name: 'readFrames', readFrames, mostBuffers: 2 },
  // The frames decoded ahead, the one being handed over, and the one the reader holds.
  { name: 'readFramesThreaded', readFrames: readFramesThreaded, mostBuffers: framesAhead(frameBytes) + 2 },
])('$name', ({ readFrames, mostBuffers }) => {
  it('reads into buffers handed back to its pool, each frame still whole and exact', async () => {
    const pool = new FramePool(rgbFrameBytes(width, height));
    // A buffer crossing to a thread comes back as another object: count the pool's new buffers instead.
    let free = 0;
    let made = 0;
    const take = pool.take.bind(pool);
    const give = pool.give.bind(pool);
    pool.take = () => {
      if (free > 0) free--;
      else made++;
      return take();
    };
    pool.give = (frame) => {
      free++;
      give(frame);
    };
    const frames: Uint8Array[] = [];
    for await (const frame of readFrames(video, { fromFrame: 30, frameCount: 40, width, height, fps, pool })) {
      frames.push(frame.slice());
      pool.give(frame);
    }
    expect(frames).toHaveLength(40);
    // Byte for byte, one boolean a frame (a deep compare of the arrays takes seconds).
    expect(frames.map((frame, index) => Buffer.from(frame).equals(allFrames[30 + index]!))).toEqual(frames.map(() => true));
    // The same few buffers go round (the next frame is read into one given back), not one a frame.
    expect(made).toBeLessThanOrEqual(mostBuffers);
    await expect(collect(readFrames(video, { fromFrame: 0, frameCount: 1, width, height, fps, pool: new FramePool(3) }))).rejects.toMatchObject({ code: 'E_INTERNAL' });
  });

  it('returns exactly the frames asked for, wherever they start', async () => {
    expect(allFrames).toHaveLength(100);
    for (const fromFrame of [0, 1, 24, 25, 37, 74, 96]) {
      const frames = await collect(readFrames(video, { fromFrame, frameCount: 4, width, height, fps }));
      expect(frames.map((frame) => frame.length)).toEqual([0, 1, 2, 3].map(() => rgbFrameBytes(width, height)));
      frames.forEach((frame, offset) => expect(Buffer.compare(frame, allFrames[fromFrame + offset]!), `frame ${fromFrame + offset}`).toBe(0));
    }
  });

  it('fails plainly when the video ends before the frames asked for', async () => {
    await expect(collect(readFrames(video, { fromFrame: 98, frameCount: 5, width, height, fps }))).rejects.toMatchObject({
      code: 'E_FFMPEG_FAILED',
      message: expect.stringMatching(/fewer frames/),
    });
  });

  it('stops ffmpeg when the reader stops early, and when cancelled', async () => {
    for await (const _ of readFrames(video, { fromFrame: 10, frameCount: 80, width, height, fps })) break;
    expect(ffmpegChildren()).toEqual([]);

    const controller = new AbortController();
    const reading = collect(
      (async function* () {
        for await (const frame of readFrames(video, { fromFrame: 0, frameCount: 100, width, height, fps }, controller.signal)) {
          controller.abort();
          yield frame;
        }
      })(),
    );
    await expect(reading).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(ffmpegChildren()).toEqual([]);
  });

  it('gives a slow reader every frame, though ffmpeg has exited with the last ones still in the pipe', async () => {
    // 32×18 frames: ffmpeg's whole output can reach the pipe, and ffmpeg exit, before the reader
    // has taken the first frame; what the pipe still held must come through all the same.
    const small = { width: 32, height: 18 };
    const frameCount = framesAheadOf(small) + 4;
    const frames: Uint8Array[] = [];
    for await (const frame of readFrames(video, { fromFrame: 3, frameCount, ...small, fps })) {
      frames.push(frame);
      // A slow reader: ffmpeg is done long before the last frames are asked for.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(frames).toHaveLength(frameCount);
    const decoded = await decodedFrames(video, small.width, small.height, 3, frameCount);
    expect(frames.map((frame, index) => Buffer.from(frame).equals(decoded[index]!))).toEqual(frames.map(() => true));
  });

  it('fails plainly, without hanging, when ffmpeg is killed under it', async () => {
    const reading = collect(
      (async function* () {
        let first = true;
        for await (const frame of readFrames(video, { fromFrame: 0, frameCount: 100, width, height, fps })) {
          if (first) for (const pid of childProcesses(process.pid, 'ffmpeg')) process.kill(pid, 'SIGKILL');
          first = false;
          yield frame;
        }
      })(),
    );
    await expect(reading).rejects.toMatchObject({ code: 'E_FFMPEG_FAILED' });
    expect(ffmpegChildren()).toEqual([]);
  });

  it('holds only a few frames while the reader waits', async () => {
    const frames = readFrames(video, { fromFrame: 0, frameCount: 100, width, height, fps });
    const first = await frames.next();
    expect(first.done).toBe(false);
    const before = process.memoryUsage().arrayBuffers;
    // ffmpeg has decoded on as far as the pipe (or the frames read ahead) let it; nothing more piles up.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan((mostBuffers + 6) * frameBytes);
    await frames.return(undefined);
    expect(ffmpegChildren()).toEqual([]);
  });
});

describe('FrameEncoder', () => {
  it('encodes the frames it is given, with the caller\'s settings', async () => {
    const outputPath = path.join(temporaryDirectory(), 'encoded.mp4');
    const encoder = new FrameEncoder({ outputPath, width, height, frameRate: '25', encoderArgs: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '16', '-pix_fmt', 'yuv420p', '-f', 'mp4'] });
    for (const frame of allFrames.slice(0, 30)) await encoder.write(frame);
    await encoder.finish();
    expect(await listVideoPackets(outputPath)).toHaveLength(30);
    const decoded = await decodedFrames(outputPath, width, height);
    expect(Math.min(...decoded.map((frame, index) => psnr(frame, allFrames[index]!)))).toBeGreaterThan(35);
  });

  it('reports the encoder\'s own error, and leaves no ffmpeg when cancelled', async () => {
    const broken = new FrameEncoder({ outputPath: path.join(temporaryDirectory(), 'x.mp4'), width, height, frameRate: '25', encoderArgs: ['-c:v', 'no-such-encoder'] });
    await expect((async () => {
      for (const frame of allFrames) await broken.write(frame);
      await broken.finish();
    })()).rejects.toMatchObject({ code: 'E_FFMPEG_FAILED' });

    const controller = new AbortController();
    const encoder = new FrameEncoder({ outputPath: path.join(temporaryDirectory(), 'y.mp4'), width, height, frameRate: '25', encoderArgs: ['-c:v', 'libx264', '-preset', 'veryfast', '-f', 'mp4'], signal: controller.signal });
    await encoder.write(allFrames[0]!);
    controller.abort();
    await expect(encoder.write(allFrames[1]!)).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(ffmpegChildren()).toEqual([]);
  });
});
