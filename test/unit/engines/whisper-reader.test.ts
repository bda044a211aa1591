// Whisper reading its windows from the analysis WAV, a window at a time, must hear exactly what it
// hears from the whole track in memory (the tiny generated pack; its encoder runs for real).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WhisperTranscriber, type WhisperParts } from '../../../src-main/core/engines/asr/whisper-transcriber.js';
import { wavSampleReader, type SampleReader } from '../../../src-main/core/media/wav-chunks.js';
import { readWav, writeWav } from '../../../src-main/core/media/wav.js';
import { writeTinyWhisper } from '../../fixtures/models/tiny-whisper.js';
import { rejectionOf } from '../../helpers/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const rate = 16_000;

/** 80 s of tone with quiet dips, so the split of an over-long region has a place to fall. */
function scene(): Float32Array {
  const samples = new Float32Array(80 * rate).map((_, index) => Math.sin(index / 5) * 0.2 * (1 + 0.5 * Math.sin(index / 9_000)));
  for (const dipMs of [12_300, 45_000]) samples.fill(0.001, (dipMs * rate) / 1000, ((dipMs + 60) * rate) / 1000);
  return samples;
}

/** Copies of the audio each window's features are computed from, in order. */
function recordFeatures(whisper: WhisperTranscriber): Float32Array[] {
  const parts = (whisper as unknown as { bound: { value: WhisperParts } }).bound.value;
  const features = parts.features.bind(parts);
  const heard: Float32Array[] = [];
  parts.features = (audio) => {
    heard.push(audio.slice());
    return features(audio);
  };
  return heard;
}

describe('WhisperTranscriber over a sample reader', { timeout: 60_000 }, () => {
  const temporary = useTemporaryDirectory('redub-whisper-reader-');
  // The second region (45 s) is longer than a window: it is split at its quietest moment.
  const regions = [{ startMs: 2_000, endMs: 6_000 }, { startMs: 20_000, endMs: 65_000 }, { startMs: 70_000, endMs: 79_500 }];

  it('transcribes the same windows from the file as from the array, reading no more than a window at a time', async () => {
    const { dir } = writeTinyWhisper(path.join(temporary(), 'whisper'));
    const whisper = await WhisperTranscriber.load({ dir, packId: 'tiny-whisper' }, { preference: 'cpu' });
    const file = path.join(temporary(), 'analysis.wav');
    writeWav(file, [scene()], rate);

    const heard = recordFeatures(whisper);
    const fromArray = await whisper.transcribe(readWav(file).channels[0]!, { language: null, regions });
    const heardFromArray = heard.splice(0);

    const reader = wavSampleReader(file);
    const reads: number[] = [];
    const counting: SampleReader = {
      sampleRate: reader.sampleRate,
      length: reader.length,
      read: (start, end) => {
        reads.push(end - start);
        return reader.read(start, end);
      },
    };
    const fromFile = await whisper.transcribe(counting, { language: null, regions });

    expect(fromFile).toEqual(fromArray);
    // Four windows: the short region, the long one split at its dip (45 s), the last; each window
    // says the tiny pack's two scripted cues, 0 s and 1.2 s in.
    expect(fromFile.cues.map((cue) => cue.startMs)).toEqual([1_800, 3_000, 19_800, 21_000, 45_000, 46_200, 69_800, 71_000]);
    expect(heardFromArray).toHaveLength(4);
    expect(heard).toEqual(heardFromArray);
    expect(Math.max(...reads)).toBeLessThanOrEqual(30 * rate + 1);
    await whisper.dispose();
  });

  it('refuses audio that is not at 16 kHz rather than put its cues on the wrong clock', async () => {
    const { dir } = writeTinyWhisper(path.join(temporary(), 'whisper'));
    const whisper = await WhisperTranscriber.load({ dir, packId: 'tiny-whisper' }, { preference: 'cpu' });
    const file = path.join(temporary(), 'cd.wav');
    writeWav(file, [new Float32Array(44_100)], 44_100);
    const error = await rejectionOf(whisper.transcribe(wavSampleReader(file), { language: 'en', regions: [{ startMs: 0, endMs: 1_000 }] }));
    expect(error.code).toBe('E_INTERNAL');
    await whisper.dispose();
  });
});
