// The lip-sync stage's encoder, fed from a thread: the frames come out exact and in order, their
// buffers come back to the pool, and every way an encode can end badly (ffmpeg refusing its
// settings, a cancel mid-encode, an abandon, a full disk) is the right error with no ffmpeg left.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FramePool, rgbFrameBytes } from '../../../src-main/core/media/raw-video.js';
import { ThreadedFrameEncoder } from '../../../src-main/core/media/threaded-frame-encoder.js';
import { lipSyncFrameEncoding } from '../../../src-main/core/pipeline/stages/lipsync.js';
import { listVideoPackets } from '../../../src-main/core/media/video-packets.js';
import { makeGopVideo } from '../../fixtures/gop-video.js';
import { decodedFrames } from '../../helpers/media-compare.js';
import { childProcesses } from '../../helpers/job-watch.js';

const width = 320;
const height = 180;
const root = mkdtempSync(path.join(tmpdir(), 'redub-threaded-encoder-'));
let frames: Uint8Array[] = [];

beforeAll(async () => {
  frames = await decodedFrames(await makeGopVideo(root, { seconds: 2, size: `${width}x${height}` }), width, height);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ffmpegChildren = () => childProcesses(process.pid, 'ffmpeg');
const copies = () => frames.map((frame) => frame.slice());
/** Frame-for-frame byte equality, as one boolean each (a deep compare of the arrays is slow). */
const same = (got: Uint8Array[], want: Uint8Array[]) => got.length === want.length && got.every((frame, index) => Buffer.from(frame).equals(want[index]!));

/** A pool of this test's frame size, and the frames given back to it, in order. */
function watchedPool(): { pool: FramePool; given: Uint8Array[] } {
  const pool = new FramePool(rgbFrameBytes(width, height));
  const given: Uint8Array[] = [];
  const give = pool.give.bind(pool);
  pool.give = (frame) => {
    given.push(frame);
    give(frame);
  };
  return { pool, given };
}

describe('ThreadedFrameEncoder', () => {
  it('encodes every frame exactly and in order, and hands each buffer back to the pool once written', async () => {
    const outputPath = path.join(root, 'exact.mkv');
    const { pool, given } = watchedPool();
    const encoder = new ThreadedFrameEncoder({ outputPath, width, height, frameRate: '25', encoderArgs: lipSyncFrameEncoding, pool, depth: 3 });
    const written = copies();
    for (const frame of written) {
      await encoder.write(frame);
      // Handed over whole, not copied: the caller's view is emptied.
      expect(frame.byteLength).toBe(0);
    }
    await encoder.finish();
    expect(encoder.frames).toBe(frames.length);
    expect(given).toHaveLength(frames.length);
    expect(given.every((frame) => frame.byteLength === rgbFrameBytes(width, height))).toBe(true);
    expect(await listVideoPackets(outputPath)).toHaveLength(frames.length);
    // FFV1 in planar RGB is lossless: what comes back is what went in, frame for frame.
    expect(same(await decodedFrames(outputPath, width, height), frames)).toBe(true);
    expect(ffmpegChildren()).toEqual([]);
  });

  it('shares a pooled frame with its thread instead of handing it over, and gives the same frame back', async () => {
    const outputPath = path.join(root, 'shared.mkv');
    const { pool, given: returned } = watchedPool();
    const encoder = new ThreadedFrameEncoder({ outputPath, width, height, frameRate: '25', encoderArgs: lipSyncFrameEncoding, pool, depth: 2 });
    const lent: Uint8Array[] = [];
    for (const frame of frames) {
      // Taken from the pool as the lip-sync stage takes them: the pool's own frames come round again.
      const pooled = pool.take();
      pooled.set(frame);
      lent.push(pooled);
      await encoder.write(pooled);
      expect(pooled.byteLength).toBe(rgbFrameBytes(width, height));
    }
    await encoder.finish();
    expect(returned).toHaveLength(frames.length);
    expect(returned.every((frame) => lent.includes(frame))).toBe(true);
    // Few distinct frames went round, each written as it was when handed over.
    expect(new Set(lent).size).toBeLessThanOrEqual(4);
    expect(same(await decodedFrames(outputPath, width, height), frames)).toBe(true);
  });

  it('copies a frame that is a view into a larger buffer, leaving that buffer alone', async () => {
    const outputPath = path.join(root, 'view.mkv');
    const encoder = new ThreadedFrameEncoder({ outputPath, width, height, frameRate: '25', encoderArgs: lipSyncFrameEncoding });
    const backing = new Uint8Array(rgbFrameBytes(width, height) * 2);
    backing.set(frames[0]!, 0);
    backing.set(frames[1]!, rgbFrameBytes(width, height));
    await encoder.write(backing.subarray(0, rgbFrameBytes(width, height)));
    await encoder.write(backing.subarray(rgbFrameBytes(width, height)));
    await encoder.finish();
    expect(backing.byteLength).toBe(rgbFrameBytes(width, height) * 2);
    expect(same(await decodedFrames(outputPath, width, height), frames.slice(0, 2))).toBe(true);
  });

  it('refuses a frame of the wrong size, and reports ffmpeg\'s own error for settings it refuses', async () => {
    const encoder = new ThreadedFrameEncoder({ outputPath: path.join(root, 'x.mkv'), width, height, frameRate: '25', encoderArgs: lipSyncFrameEncoding });
    await expect(encoder.write(new Uint8Array(10))).rejects.toMatchObject({ code: 'E_INTERNAL' });
    await encoder.abandon();

    const broken = new ThreadedFrameEncoder({ outputPath: path.join(root, 'y.mkv'), width, height, frameRate: '25', encoderArgs: ['-c:v', 'no-such-encoder'] });
    const failure = await (async () => {
      for (const frame of copies()) await broken.write(frame);
      await broken.finish();
    })().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'E_FFMPEG_FAILED' });
    expect(String((failure as { details?: string[] }).details)).toMatch(/no-such-encoder|Unknown encoder/i);
    expect(ffmpegChildren()).toEqual([]);
  });

  it('stops ffmpeg on a cancel mid-encode and on abandon, leaving none behind', async () => {
    const controller = new AbortController();
    const encoder = new ThreadedFrameEncoder({ outputPath: path.join(root, 'cancelled.mkv'), width, height, frameRate: '25', encoderArgs: lipSyncFrameEncoding, signal: controller.signal });
    const written = copies();
    for (const frame of written.slice(0, 5)) await encoder.write(frame);
    controller.abort();
    await expect((async () => {
      for (const frame of written.slice(5)) await encoder.write(frame);
      await encoder.finish();
    })()).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(ffmpegChildren()).toEqual([]);

    const abandoned = new ThreadedFrameEncoder({ outputPath: path.join(root, 'abandoned.mkv'), width, height, frameRate: '25', encoderArgs: lipSyncFrameEncoding });
    await abandoned.write(frames[0]!.slice());
    await abandoned.abandon();
    expect(ffmpegChildren()).toEqual([]);
    await expect(abandoned.write(frames[1]!.slice())).rejects.toBeDefined();
  });
});

/** A tmpfs of `sizeBytes`, or null where mounting one is not allowed (root only, Linux only). */
function mount(folder: string, sizeBytes: number): string | null {
  mkdirSync(folder, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', folder], { stdio: 'pipe' });
    return folder;
  } catch {
    return null;
  }
}

const probe = process.platform === 'linux' ? mount(path.join(root, 'probe'), 1 << 20) : null;
if (probe) execFileSync('umount', [probe]);
const skipReason = probe ? null : 'cannot mount a tmpfs here (needs root on Linux)';

describe.skipIf(skipReason !== null)(`ThreadedFrameEncoder on a full disk${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('ends with E_DISK_FULL once the output has no room, and leaves no ffmpeg', async () => {
    // 256 kB: a few frames of FFV1 fill it.
    const folder = mount(path.join(root, 'full'), 256 * 1024)!;
    try {
      const encoder = new ThreadedFrameEncoder({ outputPath: path.join(folder, 'out.mkv'), width, height, frameRate: '25', encoderArgs: lipSyncFrameEncoding });
      const failure = await (async () => {
        for (let round = 0; round < 4; round++) for (const frame of copies()) await encoder.write(frame);
        await encoder.finish();
      })().catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'E_DISK_FULL' });
      expect(ffmpegChildren()).toEqual([]);
    } finally {
      execFileSync('umount', ['-l', folder]);
    }
  });
});
