// An audio file added for a lip-sync segment is checked before anything is queued: each way it can
// be wrong has its own code, a sentence naming the file and a next step.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultMaxAudioDurationMs, probeAudio } from '../../../src-main/core/media/probe-audio.js';
import { rejectionOf } from '../../helpers/errors.js';
import { makeTone, makeVideo } from '../../helpers/media-fixtures.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { writeEmptyFile, writeNotAudio, writeSilentWavHeader } from '../pipeline/lipsync-fixtures.js';

describe('probeAudio', () => {
  const temporary = useTemporaryDirectory('redub-probe-audio-');

  it('measures a WAV, and takes a video\'s sound track as audio', async () => {
    const dir = temporary();
    const tone = await makeTone(dir, { seconds: 1.5, sampleRate: 16_000 });
    expect(await probeAudio(tone)).toMatchObject({ path: tone, durationMs: 1500, codec: 'pcm_s16le' });
    const video = await makeVideo(dir, { seconds: 1 });
    expect((await probeAudio(video)).durationMs).toBeGreaterThan(900);
  });

  it('E_AUDIO_INVALID for a file that holds no sound: text, or a video without a sound track', async () => {
    const dir = temporary();
    const text = await rejectionOf(probeAudio(writeNotAudio(dir)));
    expect(text.code).toBe('E_AUDIO_INVALID');
    expect(text.message).toContain('notes.wav');
    expect(text.action).toMatch(/audio file/);
    const silentVideo = await rejectionOf(probeAudio(await makeVideo(dir, { audio: false, seconds: 1 })));
    expect(silentVideo.code).toBe('E_AUDIO_INVALID');
    expect(silentVideo.message).toMatch(/no sound stream/);
  });

  it('E_AUDIO_EMPTY for no bytes, and for a WAV of no samples', async () => {
    const dir = temporary();
    const empty = await rejectionOf(probeAudio(writeEmptyFile(dir)));
    expect(empty.code).toBe('E_AUDIO_EMPTY');
    expect(empty.message).toMatch(/0 bytes/);
    const header = await rejectionOf(probeAudio(writeSilentWavHeader(dir)));
    expect(header.code).toBe('E_AUDIO_EMPTY');
  });

  it('E_AUDIO_TOO_LONG past the duration limit, 4 hours without one', async () => {
    const tone = await makeTone(temporary(), { seconds: 2, sampleRate: 8000 });
    const error = await rejectionOf(probeAudio(tone, { maxDurationMs: 1000 }));
    expect(error.code).toBe('E_AUDIO_TOO_LONG');
    expect(error.message).toBe('The audio file tone-8000-1ch-s16.wav is 0:00:02.000 long, longer than the 0:00:01.000 limit.');
    expect(defaultMaxAudioDurationMs).toBe(4 * 3600_000);
    expect((await probeAudio(tone, { maxDurationMs: 2500 })).durationMs).toBe(2000);
  });

  it('refuses what is not a regular file, and one over the size limit, as for every file a person names', async () => {
    const dir = temporary();
    expect((await rejectionOf(probeAudio(path.join(dir, 'gone.wav')))).code).toBe('E_INPUT_MISSING');
    expect((await rejectionOf(probeAudio(path.join(dir, 'gone.wav')))).message).toBe('The audio file gone.wav does not exist.');
    const folder = path.join(dir, 'folder.wav');
    mkdirSync(folder);
    expect((await rejectionOf(probeAudio(folder))).code).toBe('E_PATH_IS_FOLDER');
    expect((await rejectionOf(probeAudio('/dev/zero'))).code).toBe('E_FILE_IS_DEVICE');
    if (process.platform !== 'win32') {
      const fifo = path.join(dir, 'pipe.wav');
      execFileSync('mkfifo', [fifo]);
      expect((await rejectionOf(probeAudio(fifo))).code).toBe('E_FILE_IS_FIFO');
      // A link to a device is the device.
      const link = path.join(dir, 'link.wav');
      symlinkSync('/dev/zero', link);
      expect((await rejectionOf(probeAudio(link))).code).toBe('E_FILE_IS_DEVICE');
    }
    const tone = await makeTone(dir, { seconds: 1 });
    const large = await rejectionOf(probeAudio(tone, { maxBytes: 1000 }));
    expect(large.code).toBe('E_FILE_TOO_LARGE');
    expect(large.message).toMatch(/an audio file is at most/);
  });
});
