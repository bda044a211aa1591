import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../src-main/shared/errors.js';
import { probeMedia } from '../../../src-main/core/media/probe.js';
import {
  makeEmptyFile,
  makeStill,
  makeTextFile,
  makeTruncatedVideo,
  makeVideo,
  makeZeroDurationVideo,
} from '../../helpers/media-fixtures.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { rejectionOf } from '../../helpers/errors.js';

const temporaryDirectory = useTemporaryDirectory('redub-probe-');


async function expectCode(filePath: string, code: ErrorCode, limits = {}): Promise<{ message: string; details: string[] }> {
  const error = await rejectionOf(probeMedia(filePath, limits));
  expect(error.code).toBe(code);
  expect(error.details.join('\n')).toContain(path.resolve(filePath));
  return error;
}

describe('probeMedia', () => {
  it('describes a good video: duration, fps, codecs, size', async () => {
    const filePath = await makeVideo(temporaryDirectory(), { seconds: 2, fps: 15, size: '160x120', audioLanguage: 'eng' });
    const info = await probeMedia(filePath);
    expect(info.path).toBe(path.resolve(filePath));
    expect(info.sizeBytes).toBeGreaterThan(0);
    expect(Math.abs(info.durationMs - 2000)).toBeLessThanOrEqual(50);
    expect(info.formatName).toContain('mp4');
    expect(info.video).toMatchObject({ codec: 'h264', width: 160, height: 120, fps: 15 });
    expect(info.audio).toMatchObject({ codec: 'aac', sampleRate: 44100, channels: 1, language: 'eng' });
    expect(info.audio.index).not.toBe(info.video.index);
  });

  it('accepts a complete Matroska file (checked by reading its last seconds)', async () => {
    const filePath = await makeVideo(temporaryDirectory(), { format: 'mkv', seconds: 3 });
    const info = await probeMedia(filePath);
    expect(Math.abs(info.durationMs - 3000)).toBeLessThanOrEqual(50);
    expect(info.audio.language).toBeNull();
  });

  it('E_INPUT_MISSING for a path that does not exist', async () => {
    await expectCode(path.join(temporaryDirectory(), 'nowhere.mp4'), 'E_INPUT_MISSING');
  });

  it('E_INPUT_IS_DIRECTORY for a folder', async () => {
    const folder = path.join(temporaryDirectory(), 'clips.mp4');
    await mkdir(folder);
    await expectCode(folder, 'E_INPUT_IS_DIRECTORY');
  });

  it.skipIf(process.platform === 'win32')('E_FILE_IS_DEVICE for a device such as /dev/null', async () => {
    await expectCode('/dev/null', 'E_FILE_IS_DEVICE');
  });

  // Root reads files whatever their mode, so this one runs only as an ordinary user.
  const runningAsRoot = process.getuid?.() === 0;
  it.skipIf(process.platform === 'win32' || runningAsRoot)(
    `E_INPUT_UNREADABLE for a file without read permission${runningAsRoot ? ' (skipped: running as root, which can read any file)' : ''}`,
    async () => {
      const filePath = await makeVideo(temporaryDirectory());
      await chmod(filePath, 0o000);
      await expectCode(filePath, 'E_INPUT_UNREADABLE');
    },
  );

  it('E_INPUT_EMPTY for a 0-byte file', async () => {
    await expectCode(await makeEmptyFile(temporaryDirectory()), 'E_INPUT_EMPTY');
  });

  it('E_NOT_MEDIA for a text file renamed .mp4', async () => {
    await expectCode(await makeTextFile(temporaryDirectory(), 'notes.mp4'), 'E_NOT_MEDIA');
  });

  it('E_NOT_MEDIA for a text file with a Matroska name', async () => {
    await expectCode(await makeTextFile(temporaryDirectory(), 'notes.mkv'), 'E_NOT_MEDIA');
  });

  it('E_INPUT_TRUNCATED for an MP4 cut in half (index at the end: "moov atom not found")', async () => {
    await expectCode(await makeTruncatedVideo(temporaryDirectory()), 'E_INPUT_TRUNCATED');
  });

  it('E_INPUT_TRUNCATED for a fast-start MP4 cut in half (headers intact, media box cut)', async () => {
    await expectCode(await makeTruncatedVideo(temporaryDirectory(), { faststart: true }), 'E_INPUT_TRUNCATED');
  });

  it('E_INPUT_TRUNCATED for a Matroska file cut in half', async () => {
    await expectCode(await makeTruncatedVideo(temporaryDirectory(), { format: 'mkv', seconds: 6 }), 'E_INPUT_TRUNCATED');
  });

  it('E_NO_VIDEO_STREAM for an audio-only .m4a', async () => {
    const filePath = await makeVideo(temporaryDirectory(), { format: 'm4a', video: false });
    const error = await expectCode(filePath, 'E_NO_VIDEO_STREAM');
    expect(error.details).toContain('It holds audio only.');
  });

  it('E_NO_VIDEO_STREAM for a still PNG image', async () => {
    const error = await expectCode(await makeStill(temporaryDirectory()), 'E_NO_VIDEO_STREAM');
    expect(error.details).toContain('It holds a still image, not a moving picture.');
  });

  it('E_NO_AUDIO_STREAM for a silent video', async () => {
    await expectCode(await makeVideo(temporaryDirectory(), { audio: false }), 'E_NO_AUDIO_STREAM');
  });

  it('E_ZERO_DURATION for a video whose headers say it lasts 0 s', async () => {
    await expectCode(await makeZeroDurationVideo(temporaryDirectory()), 'E_ZERO_DURATION');
  });

  it('E_INPUT_TOO_LARGE names the size and the limit', async () => {
    const filePath = await makeVideo(temporaryDirectory());
    const error = await expectCode(filePath, 'E_INPUT_TOO_LARGE', { maxBytes: 1_024 });
    expect(error.message).toMatch(/^The input file is \d+(\.\d)? KB, larger than the 1\.0 KB limit\.$/);
  });

  it('E_INPUT_TOO_LONG names the duration and the limit', async () => {
    const filePath = await makeVideo(temporaryDirectory(), { seconds: 2 });
    const error = await expectCode(filePath, 'E_INPUT_TOO_LONG', { maxDurationMs: 1_000 });
    expect(error.message).toBe('The video is 0:00:02.000 long, longer than the 0:00:01.000 limit.');
  });

  it('accepts a file exactly at its limits', async () => {
    const filePath = await makeVideo(temporaryDirectory(), { seconds: 2 });
    const first = await probeMedia(filePath);
    await expect(probeMedia(filePath, { maxBytes: first.sizeBytes, maxDurationMs: first.durationMs })).resolves.toEqual(first);
  });
});
