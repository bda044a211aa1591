// What a stage wrote is checked before it is cached: these outputs each look like files but
// are not what their stage meant to write, and each is refused naming what is wrong.
import { truncateSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeMedia } from '../../../src-main/core/media/probe.js';
import { writeWav } from '../../../src-main/core/media/wav.js';
import { stageOutputProblems } from '../../../src-main/core/pipeline/output-checks.js';
import { exportStage } from '../../../src-main/core/pipeline/stages/export.js';
import { extractStage } from '../../../src-main/core/pipeline/stages/extract.js';
import { mixStage } from '../../../src-main/core/pipeline/stages/mix.js';
import { synthesizeStage } from '../../../src-main/core/pipeline/stages/synthesize.js';
import { makeVideo } from '../../helpers/media-fixtures.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectory('redub-checks-');

function wav(name: string, seconds: number, sampleRate: number, channels: number): string {
  const file = path.join(temporaryDirectory(), name);
  writeWav(file, Array.from({ length: channels }, () => new Float32Array(Math.round(seconds * sampleRate))), sampleRate);
  return file;
}

describe('stage output checks', () => {
  it('accepts an extract whose two WAVs agree, and refuses one cut short or in the wrong format', async () => {
    const dir = temporaryDirectory();
    wav('analysis.wav', 2, 16_000, 1);
    wav('mix.wav', 2, 48_000, 2);
    const result = { analysisFile: 'analysis.wav', mixFile: 'mix.wav' };
    expect(await stageOutputProblems(extractStage, { durationMs: 2000 }, dir, result)).toEqual([]);
    truncateSync(path.join(dir, 'mix.wav'), Math.floor(statSync(path.join(dir, 'mix.wav')).size / 2));
    expect(await stageOutputProblems(extractStage, { durationMs: 2000 }, dir, result)).toEqual([expect.stringMatching(/mix\.wav lasts \d+ ms, not the 2000 ms/)]);
    wav('mix.wav', 2, 44_100, 1);
    expect(await stageOutputProblems(extractStage, { durationMs: 2000 }, dir, result)).toEqual(
      expect.arrayContaining([expect.stringContaining('44100 Hz, not 48000 Hz'), expect.stringContaining('1 channels, not 2')]),
    );
  });

  it('refuses a mix shorter than the original it was mixed over', async () => {
    const dir = temporaryDirectory();
    const original = wav('original.wav', 3, 48_000, 2);
    wav('voice.wav', 3, 48_000, 1);
    wav('mix.wav', 2.5, 48_000, 2);
    const problems = await stageOutputProblems(mixStage, { originalPath: original }, dir, { voiceFile: 'voice.wav', mixFile: 'mix.wav' });
    expect(problems).toEqual([expect.stringMatching(/mix\.wav lasts 2500 ms, not the 3000 ms/)]);
  });

  it('refuses per-cue speech that is missing or not a WAV', async () => {
    const dir = temporaryDirectory();
    const good = wav('cue.wav', 0.5, 22_050, 1);
    const problems = await stageOutputProblems(synthesizeStage, {}, dir, {
      cues: [{ index: 0, file: good }, { index: 1, file: path.join(dir, 'gone.wav') }, { index: 2, file: null }],
    });
    expect(problems).toEqual([expect.stringMatching(/^Cue 2: gone\.wav/)]);
  });

  it('refuses an export without the original track, or cut short, by reading it back', async () => {
    const dir = temporaryDirectory();
    const source = await makeVideo(dir, { name: 'source.mp4', seconds: 3 });
    const media = await probeMedia(source);
    await makeVideo(dir, { name: 'dub.mp4', seconds: 3 });
    const result = { videoFile: 'dub.mp4', subtitlesFile: 'dub.srt', webVttFile: 'dub.vtt' };
    const problems = await stageOutputProblems(exportStage, { media, subtitlesShown: false }, dir, result);
    expect(problems).toEqual([expect.stringContaining('two audio tracks'), 'It should hold one subtitle track; it holds 0.', 'dub.srt is missing.', 'dub.vtt is missing.']);
    truncateSync(path.join(dir, 'dub.mp4'), 2000);
    expect((await stageOutputProblems(exportStage, { media, subtitlesShown: false }, dir, result))[0]).toMatch(/cannot be read back|lasts|video stream/);
  });
});
