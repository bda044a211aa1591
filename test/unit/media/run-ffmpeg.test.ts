import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resetMediaToolsCache } from '../../../src-main/core/media/ffmpeg-binaries.js';
import { lastLines, parseFfmpegProgress, runFfmpeg, runFfprobeJson } from '../../../src-main/core/media/run-ffmpeg.js';
import { makeVideo } from '../../helpers/media-fixtures.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectory('redub-run-ffmpeg-');

describe('parseFfmpegProgress', () => {
  const block = (outTimeUs: string) =>
    ['frame=10', 'fps=0.00', `out_time_us=${outTimeUs}`, `out_time_ms=${outTimeUs}`, 'out_time=00:00:01.000000', 'speed=2x', 'progress=continue', ''].join('\n');

  it('reads out_time_us as microseconds of the whole duration', () => {
    expect(parseFfmpegProgress(block('1000000'), 4_000)).toBe(0.25);
  });

  it('reads out_time_ms as microseconds too (ffmpeg\'s misnomer), for ffmpeg builds without out_time_us', () => {
    expect(parseFfmpegProgress('out_time_ms=3000000\nprogress=continue\n', 4_000)).toBe(0.75);
  });

  it('takes the last time when a chunk holds several blocks', () => {
    expect(parseFfmpegProgress(block('1000000') + block('2000000'), 4_000)).toBe(0.5);
  });

  it('says 1 at progress=end', () => {
    expect(parseFfmpegProgress('out_time_us=1000\nprogress=end\n', 4_000)).toBe(1);
  });

  it('clamps to 0–1 and ignores N/A and CRLF noise', () => {
    expect(parseFfmpegProgress('out_time_us=-23000\r\n', 1_000)).toBe(0);
    expect(parseFfmpegProgress('out_time_us=9000000\r\n', 1_000)).toBe(1);
    expect(parseFfmpegProgress('out_time_us=N/A\nout_time=N/A\n', 1_000)).toBeNull();
  });

  it('returns null when there is no time or no known duration', () => {
    expect(parseFfmpegProgress('frame=1\nfps=0\n', 1_000)).toBeNull();
    expect(parseFfmpegProgress('out_time_us=500000\n', 0)).toBeNull();
  });
});

describe('lastLines', () => {
  it('keeps the last non-empty lines', () => {
    expect(lastLines('a\n\n b \r\nc\rd\n\n', 3)).toEqual(['b', 'c', 'd']);
  });
});

describe('runFfmpeg', () => {
  afterEach(() => {
    delete process.env.REDUB_FFMPEG;
    resetMediaToolsCache();
  });

  it('reports rising progress ending at 1', async () => {
    const input = await makeVideo(temporaryDirectory(), { seconds: 3 });
    const fractions: number[] = [];
    await runFfmpeg(['-i', input, '-f', 'null', '-'], { durationMs: 3_000, onProgress: (fraction) => fractions.push(fraction) });
    expect(fractions.at(-1)).toBe(1);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
  });

  it('turns a failure into E_FFMPEG_FAILED with ffmpeg\'s last words', async () => {
    const missingInput = path.join(temporaryDirectory(), 'absent.mp4');
    await expect(runFfmpeg(['-i', missingInput, '-f', 'null', '-'])).rejects.toMatchObject({
      code: 'E_FFMPEG_FAILED',
      details: expect.arrayContaining([expect.stringContaining('No such file or directory'), 'ffmpeg exited with code 1.']),
    });
  });

  it.skipIf(process.platform === 'win32')('turns "No space left on device" into E_DISK_FULL', async () => {
    const fake = path.join(temporaryDirectory(), 'ffmpeg-disk-full');
    await writeFile(fake, '#!/bin/sh\necho "out.wav: No space left on device" >&2\nexit 1\n');
    await chmod(fake, 0o755);
    process.env.REDUB_FFMPEG = fake;
    resetMediaToolsCache();
    await expect(runFfmpeg(['-i', 'x', 'out.wav'])).rejects.toMatchObject({ code: 'E_DISK_FULL' });
  });

  it('stops ffmpeg and rejects with E_CANCELLED when aborted', async () => {
    const controller = new AbortController();
    // An endless generated input: only the abort can end this run.
    const running = runFfmpeg(['-re', '-f', 'lavfi', '-i', 'sine', '-f', 'null', '-'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    await expect(running).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects at once when the signal is already aborted', async () => {
    await expect(runFfmpeg(['-version'], { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'E_CANCELLED' });
  });
});

describe('runFfprobeJson', () => {
  it('returns the parsed JSON document', async () => {
    const input = await makeVideo(temporaryDirectory());
    const document = (await runFfprobeJson(['-show_streams', input])) as { streams: Array<{ codec_type: string }> };
    expect(document.streams.map((stream) => stream.codec_type).sort()).toEqual(['audio', 'video']);
  });

  it('fails with E_FFMPEG_FAILED and ffprobe\'s message for a file it cannot read', async () => {
    const input = path.join(temporaryDirectory(), 'notes.txt');
    await writeFile(input, 'plain words');
    await expect(runFfprobeJson(['-show_format', input])).rejects.toMatchObject({
      code: 'E_FFMPEG_FAILED',
      details: expect.arrayContaining([expect.stringContaining('Invalid data found')]),
    });
  });
});
