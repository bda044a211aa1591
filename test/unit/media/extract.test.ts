import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractAudio } from '../../../src-main/core/media/extract.js';
import { probeMedia } from '../../../src-main/core/media/probe.js';
import { readWav, wavDurationMs } from '../../../src-main/core/media/wav.js';
import { makeVideo } from '../../helpers/media-fixtures.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectory('redub-extract-');

describe('extractAudio', () => {
  it('writes a 16 kHz mono analysis WAV and a 48 kHz stereo mix WAV as long as the video', async () => {
    const folder = temporaryDirectory();
    const input = await makeVideo(folder, { seconds: 2 });
    const info = await probeMedia(input);
    const outDir = path.join(folder, 'artifacts', 'extract');
    const fractions: number[] = [];
    const result = await extractAudio(input, info.audio.index, outDir, {
      durationMs: info.durationMs,
      onProgress: (fraction) => fractions.push(fraction),
    });

    expect(result).toEqual({ analysisPath: path.join(outDir, 'analysis.wav'), mixPath: path.join(outDir, 'mix.wav') });
    const analysis = readWav(result.analysisPath);
    expect(analysis.sampleRate).toBe(16_000);
    expect(analysis.channels).toHaveLength(1);
    const mix = readWav(result.mixPath);
    expect(mix.sampleRate).toBe(48_000);
    expect(mix.channels).toHaveLength(2);
    for (const wav of [result.analysisPath, result.mixPath]) {
      expect(Math.abs(wavDurationMs(wav) - info.durationMs)).toBeLessThanOrEqual(50);
    }
    expect(fractions.at(-1)).toBe(1);
    expect((await readdir(outDir)).sort()).toEqual(['analysis.wav', 'mix.wav']);
  });

  it('keeps WAV time 0 at video time 0 when the audio track starts late', async () => {
    const folder = temporaryDirectory();
    const input = await makeVideo(folder, { seconds: 3, audioDelaySeconds: 0.5 });
    const info = await probeMedia(input);
    const { analysisPath } = await extractAudio(input, info.audio.index, path.join(folder, 'out'));
    const samples = readWav(analysisPath).channels[0] as Float32Array;
    const firstSoundMs = (samples.findIndex((value) => Math.abs(value) > 0.01) / 16_000) * 1000;
    // AAC priming shifts the track start by a few tens of ms; the half second must survive.
    expect(firstSoundMs).toBeGreaterThan(440);
    expect(firstSoundMs).toBeLessThan(560);
    expect(Math.abs(wavDurationMs(analysisPath) - info.durationMs)).toBeLessThanOrEqual(50);
  });

  it('fails with E_FFMPEG_FAILED and leaves nothing behind when the stream index is wrong', async () => {
    const folder = temporaryDirectory();
    const input = await makeVideo(folder, { seconds: 1 });
    const outDir = path.join(folder, 'out');
    await expect(extractAudio(input, 7, outDir)).rejects.toMatchObject({ code: 'E_FFMPEG_FAILED' });
    expect(await readdir(outDir)).toEqual([]);
  });

  it('is cancelled by its signal', async () => {
    const folder = temporaryDirectory();
    const input = await makeVideo(folder, { seconds: 1 });
    await expect(extractAudio(input, 1, path.join(folder, 'out'), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'E_CANCELLED' });
  });
});
