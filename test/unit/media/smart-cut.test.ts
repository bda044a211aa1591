import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutVideo } from '../../../src-main/core/media/gop-layout.js';
import { readFrames } from '../../../src-main/core/media/raw-video.js';
import { runFfmpeg, runFfprobeJson } from '../../../src-main/core/media/run-ffmpeg.js';
import { smartCutVideo, type RenderFrames } from '../../../src-main/core/media/smart-cut.js';
import { concatScript, planPieces } from '../../../src-main/core/media/smart-cut-plan.js';
import { listVideoPackets, probeVideoStream } from '../../../src-main/core/media/video-packets.js';
import { makeGopVideo } from '../../fixtures/gop-video.js';
import { childProcesses } from '../../helpers/job-watch.js';
import { decodedFrames, psnr, videoPacketHashes } from '../../helpers/media-compare.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const width = 640;
const height = 360;
const fps = 25;
const shared = mkdtempSync(path.join(tmpdir(), 'redub-smart-cut-'));
const temporaryDirectory = useTemporaryDirectory('redub-smart-cut-out-');
let video = '';

beforeAll(async () => {
  // 8 s at 25 fps: 200 frames in 8 groups of 25, B-frames two deep, and a sound track beside them.
  video = await makeGopVideo(shared, { seconds: 8, size: `${width}x${height}`, fps, gop: 25, audio: true });
});
afterAll(() => rmSync(shared, { recursive: true, force: true }));

/** Darkens a block in the middle of the picture, as a re-rendered mouth would change it. */
function reRender(frame: Uint8Array, frameWidth: number): Uint8Array {
  const changed = Uint8Array.from(frame);
  const rows = frame.length / 3 / frameWidth;
  for (let y = Math.floor(rows / 3); y < Math.floor((2 * rows) / 3); y++) {
    for (let x = Math.floor(frameWidth / 3) * 3; x < Math.floor((2 * frameWidth) / 3) * 3; x++) changed[y * frameWidth * 3 + x] = changed[y * frameWidth * 3 + x]! >> 1;
  }
  return changed;
}

/** A renderer over `source`: the original frames, changed inside `ranges`; it keeps what it gave for frames in `kept`. */
function renderer(source: string, ranges: Array<[number, number]>, size: [number, number], kept: (frame: number) => boolean) {
  const calls: Array<[number, number]> = [];
  const given = new Map<number, Uint8Array>();
  const render: RenderFrames = async function* (fromFrame, toFrame) {
    calls.push([fromFrame, toFrame]);
    let index = fromFrame;
    for await (const frame of readFrames(source, { fromFrame, frameCount: toFrame - fromFrame, width: size[0], height: size[1], fps })) {
      const output = ranges.some(([from, to]) => index >= from && index < to) ? reRender(frame, size[0]) : frame;
      if (kept(index)) given.set(index, output);
      index++;
      yield output;
    }
  };
  return { render, calls, given };
}

async function videoDurationSeconds(file: string): Promise<number> {
  const document = (await runFfprobeJson(['-select_streams', 'v:0', '-show_entries', 'stream=duration', file])) as { streams: Array<{ duration: string }> };
  return Number(document.streams[0]!.duration);
}

function noLeftovers(folder: string): void {
  expect([...childProcesses(process.pid, 'ffmpeg'), ...childProcesses(process.pid, 'ffprobe')]).toEqual([]);
  expect(readdirSync(folder).filter((name) => name.startsWith('.smart-cut-'))).toEqual([]);
}

describe('smartCutVideo on H.264', () => {
  it('re-encodes only the group that holds the range, and copies every other packet', async () => {
    const outputPath = path.join(temporaryDirectory(), 'cut.mp4');
    const { render, calls, given } = renderer(video, [[80, 90]], [width, height], (frame) => frame >= 75 && frame < 100);
    const fractions: number[] = [];
    const lines: string[] = [];
    const result = await smartCutVideo({ inputPath: video, outputPath, ranges: [[80, 90]], renderFrames: render, onProgress: (fraction) => fractions.push(fraction), log: (line) => lines.push(line), quality: { preset: 'veryfast' } });

    expect(result).toEqual({ reencodedFrames: 25, totalFrames: 200, method: 'smart-cut' });
    expect(calls).toEqual([[75, 100]]);
    expect(lines.join('\n')).toMatch(/re-encoding 25 of 200 frames/);
    expect(fractions.at(-1)).toBe(1);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);

    const before = await videoPacketHashes(video);
    const after = await videoPacketHashes(outputPath);
    expect(after).toHaveLength(200);
    // Closed groups: group 3's packets are decode positions 75–99 in both files.
    for (let index = 0; index < 200; index++) {
      if (index < 75 || index >= 100) expect(after[index]!.md5, `packet ${index}`).toBe(before[index]!.md5);
    }
    expect(after.slice(75, 100).some((packet, offset) => packet.md5 !== before[75 + offset]!.md5)).toBe(true);

    const rendered = await decodedFrames(outputPath, width, height, 75, 25);
    rendered.forEach((frame, offset) => expect(psnr(frame, given.get(75 + offset)!), `frame ${75 + offset}`).toBeGreaterThan(35));
    // Across both seams the copied groups decode exactly as before.
    const original = await decodedFrames(video, width, height, 70, 35);
    const joined = await decodedFrames(outputPath, width, height, 70, 35);
    for (const offset of [0, 1, 2, 3, 4, 30, 31, 32, 33, 34]) expect(Buffer.compare(joined[offset]!, original[offset]!), `frame ${70 + offset}`).toBe(0);

    expect(await listVideoPackets(outputPath)).toHaveLength(200);
    expect(Math.abs((await videoDurationSeconds(outputPath)) - (await videoDurationSeconds(video)))).toBeLessThanOrEqual(1 / fps);
    noLeftovers(path.dirname(outputPath));
  });

  it('keeps the original header when the first group is re-encoded, and joins several stretches', async () => {
    const outputPath = path.join(temporaryDirectory(), 'cut.mp4');
    // Group 0, groups 2 and 3 (the range spans their seam), and the last group.
    const ranges: Array<[number, number]> = [[0, 3], [70, 80], [190, 195]];
    const { render, calls } = renderer(video, ranges, [width, height], () => false);
    const result = await smartCutVideo({ inputPath: video, outputPath, ranges, renderFrames: render, quality: { preset: 'veryfast' } });

    expect(result).toMatchObject({ reencodedFrames: 100, totalFrames: 200, method: 'smart-cut' });
    expect(calls).toEqual([[0, 25], [50, 100], [175, 200]]);
    expect(Buffer.from((await probeVideoStream(outputPath)).extradata!)).toEqual(Buffer.from((await probeVideoStream(video)).extradata!));
    const before = await videoPacketHashes(video);
    const after = await videoPacketHashes(outputPath);
    expect(after).toHaveLength(200);
    for (let index = 0; index < 200; index++) {
      if ((index >= 25 && index < 50) || (index >= 100 && index < 175)) expect(after[index]!.md5, `packet ${index}`).toBe(before[index]!.md5);
    }
    // The whole file decodes without a word from the decoder, from its start and from a copied group.
    expect((await runFfmpeg(['-v', 'error', '-i', outputPath, '-f', 'null', '-'])).stderr.trim()).toBe('');
    expect((await runFfmpeg(['-v', 'error', '-ss', '4', '-i', outputPath, '-f', 'null', '-'])).stderr.trim()).toBe('');
    for (const first of [25, 100]) {
      const original = await decodedFrames(video, width, height, first, 5);
      const joined = await decodedFrames(outputPath, width, height, first, 5);
      joined.forEach((frame, offset) => expect(Buffer.compare(frame, original[offset]!), `frame ${first + offset}`).toBe(0));
    }
  });

  it('copies everything when no frame is to be re-rendered', async () => {
    const outputPath = path.join(temporaryDirectory(), 'copy.mp4');
    const { render, calls } = renderer(video, [], [width, height], () => false);
    const result = await smartCutVideo({ inputPath: video, outputPath, ranges: [], renderFrames: render });
    expect(result).toEqual({ reencodedFrames: 0, totalFrames: 200, method: 'smart-cut' });
    expect(calls).toEqual([]);
    expect((await videoPacketHashes(outputPath)).map((packet) => packet.md5)).toEqual((await videoPacketHashes(video)).map((packet) => packet.md5));
  });

  it('stops at a cancel mid-encode, leaving no ffmpeg, no output and no work folder', async () => {
    const outputPath = path.join(temporaryDirectory(), 'cancelled.mp4');
    const controller = new AbortController();
    let frames = 0;
    const render: RenderFrames = async function* (fromFrame, toFrame) {
      for await (const frame of readFrames(video, { fromFrame, frameCount: toFrame - fromFrame, width, height, fps }, controller.signal)) {
        if (++frames === 10) controller.abort();
        yield frame;
      }
    };
    const cutting = smartCutVideo({ inputPath: video, outputPath, ranges: [[30, 130]], renderFrames: render, signal: controller.signal });
    await expect(cutting).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(existsSync(outputPath)).toBe(false);
    noLeftovers(path.dirname(outputPath));
  });
});

describe('smartCutVideo with a renderer that breaks its word', () => {
  it('fails with E_INTERNAL when the renderer gives fewer frames than asked, leaving nothing behind', async () => {
    const outputPath = path.join(temporaryDirectory(), 'short.mp4');
    const render: RenderFrames = async function* (fromFrame) {
      yield* readFrames(video, { fromFrame, frameCount: 3, width, height, fps });
    };
    await expect(smartCutVideo({ inputPath: video, outputPath, ranges: [[80, 90]], renderFrames: render, quality: { preset: 'ultrafast' } })).rejects.toMatchObject({
      code: 'E_INTERNAL',
      details: [expect.stringMatching(/Frames 75–99 .* the renderer gave 3/)],
    });
    expect(existsSync(outputPath)).toBe(false);
    noLeftovers(path.dirname(outputPath));
  });
});

describe('smartCutVideo on a stream it cannot cut', () => {
  it('re-encodes an MPEG-4 Part 2 video whole from the renderer, and says why', async () => {
    const size: [number, number] = [width, height];
    const mpeg4 = await makeGopVideo(temporaryDirectory(), { codec: 'mpeg4', seconds: 2, size: size.join('x') });
    const outputPath = path.join(temporaryDirectory(), 'whole.mp4');
    const { render, calls, given } = renderer(mpeg4, [[10, 12]], size, () => true);
    const lines: string[] = [];
    const result = await smartCutVideo({ inputPath: mpeg4, outputPath, ranges: [[10, 12]], renderFrames: render, log: (line) => lines.push(line), quality: { preset: 'veryfast' } });

    expect(result).toMatchObject({ reencodedFrames: 50, totalFrames: 50, method: 'full-reencode', reason: expect.stringMatching(/mpeg4/) });
    expect(calls).toEqual([[0, 50]]);
    expect(lines.join('\n')).toContain(result.reason);
    expect((await probeVideoStream(outputPath)).codec).toBe('h264');
    const decoded = await decodedFrames(outputPath, width, height);
    expect(decoded).toHaveLength(50);
    decoded.forEach((frame, index) => expect(psnr(frame, given.get(index)!), `frame ${index}`).toBeGreaterThan(35));
    expect(Math.abs((await videoDurationSeconds(outputPath)) - (await videoDurationSeconds(mpeg4)))).toBeLessThanOrEqual(1 / fps);
  });
});

describe('the concat script', () => {
  it('cuts copies at keyframes: in at the presentation time, out at the next keyframe\'s decode time', () => {
    // Three groups of 4 frames, 512 ticks a frame, keyframes decoded 2 frames early.
    const packets = [0, 1, 2].flatMap((group) =>
      [0, 3, 1, 2].map((frame, order) => ({ pts: (group * 4 + frame) * 512, dts: (group * 4 + order - 2) * 512, duration: 512, keyframe: frame === 0, size: 1 })),
    );
    const timeBase = { numerator: 1, denominator: 12_800 };
    const { layout } = layoutVideo(packets, timeBase, { numerator: 25, denominator: 1 });
    const pieces = planPieces(layout!, [[5, 6]]);
    expect(pieces.map((piece) => [piece.kind, piece.firstFrame, piece.endFrame])).toEqual([['copy', 0, 4], ['encode', 4, 8], ['copy', 8, 12]]);
    expect(concatScript(layout!, timeBase, pieces, '/w/source.mp4', () => "/w/it's.mp4").split('\n')).toEqual([
      'ffconcat version 1.0',
      "file '/w/source.mp4'", 'inpoint 0.000000', 'outpoint 0.080000', 'duration 0.160000',
      "file '/w/it'\\''s.mp4'", 'duration 0.160000',
      "file '/w/source.mp4'", 'inpoint 0.320000', 'duration 0.160000',
      '',
    ]);
  });
});
