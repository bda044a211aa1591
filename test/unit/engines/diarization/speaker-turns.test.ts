import { describe, expect, it } from 'vitest';
import { framesPerWindow } from '../../../../src-main/core/engines/diarization/pack-parameters.js';
import { speakerDuring, TurnBuilder, type SpeakerTurn } from '../../../../src-main/core/engines/diarization/speaker-turns.js';
import { frameTimeMs, windowStarts } from '../../../../src-main/core/engines/diarization/segmentation-windows.js';
import { tinySegmentationParameters as parameters } from '../../../fixtures/onnx/tiny-segmentation.js';

describe('speakerDuring', () => {
  const turns: SpeakerTurn[] = [
    { speaker: 'SPEAKER_1', startMs: 0, endMs: 1000 },
    { speaker: 'SPEAKER_2', startMs: 900, endMs: 3000 },
    { speaker: 'SPEAKER_1', startMs: 2800, endMs: 3500 },
  ];

  it('picks whoever talks most inside the range', () => {
    expect(speakerDuring(turns, 0, 950)).toBe('SPEAKER_1');
    expect(speakerDuring(turns, 500, 2000)).toBe('SPEAKER_2');
    // SPEAKER_1's two turns add up (200 + 700 ms) but SPEAKER_2 talks 2100.
    expect(speakerDuring(turns, 800, 3500)).toBe('SPEAKER_2');
    expect(speakerDuring(turns, 2500, 3500)).toBe('SPEAKER_1');
  });

  it('gives null where nobody talks, and a tie to whoever spoke first', () => {
    expect(speakerDuring(turns, 3500, 4000)).toBeNull();
    expect(speakerDuring([], 0, 1000)).toBeNull();
    expect(speakerDuring(turns, 1000, 1000)).toBeNull();
    expect(speakerDuring([{ speaker: 'SPEAKER_2', startMs: 0, endMs: 500 }, { speaker: 'SPEAKER_1', startMs: 500, endMs: 1000 }], 0, 1000)).toBe('SPEAKER_2');
  });
});

describe('windowStarts', () => {
  it('steps a second at a time and pads a last window where the track does not end on a step', () => {
    expect(windowStarts(0, parameters)).toEqual([]);
    expect(windowStarts(50_000, parameters)).toEqual([0]);
    expect(windowStarts(160_000, parameters)).toEqual([0]);
    expect(windowStarts(192_000, parameters)).toEqual([0, 16_000, 32_000]);
    expect(windowStarts(192_001, parameters)).toEqual([0, 16_000, 32_000, 48_000]);
  });
});

describe('TurnBuilder', () => {
  const frames = framesPerWindow(parameters);

  it('relabels local speakers with their clusters, closes short gaps and names speakers by first appearance', () => {
    const builder = new TurnBuilder(parameters, frames);
    // One window: local speaker 2 speaks frames 10–99 and 130–199 (a 30-frame, 0.5 s gap: kept
    // apart), local speaker 0 frames 300–399 and 420–499 (a 20-frame gap: closed).
    const activity = new Uint8Array(frames * 3);
    const speak = (speaker: number, from: number, to: number) => {
      for (let frame = from; frame < to; frame++) activity[frame * 3 + speaker] = 1;
    };
    speak(2, 10, 100);
    speak(2, 130, 200);
    speak(0, 300, 400);
    speak(0, 420, 500);
    builder.add(0, activity);
    const turns = builder.build((_, local) => (local === 2 ? 1 : local === 0 ? 0 : -1), 2, 10_000);
    const at = (frame: number) => Math.round(frameTimeMs(frame, parameters));
    expect(turns).toEqual([
      { speaker: 'SPEAKER_1', startMs: at(10), endMs: at(100) },
      { speaker: 'SPEAKER_1', startMs: at(130), endMs: at(200) },
      { speaker: 'SPEAKER_2', startMs: at(300), endMs: at(500) },
    ]);
  });

  it('drops turns under 0.3 s and clips turns to the track', () => {
    const builder = new TurnBuilder(parameters, frames);
    const activity = new Uint8Array(frames * 3);
    for (let frame = 0; frame < 15; frame++) activity[(100 + frame) * 3] = 1;
    for (let frame = 500; frame < frames; frame++) activity[frame * 3 + 1] = 1;
    builder.add(0, activity);
    expect(builder.build((_, local) => local, 2, 9000)).toEqual([{ speaker: 'SPEAKER_1', startMs: Math.round(frameTimeMs(500, parameters)), endMs: 9000 }]);
  });

  it('gives no turns without clusters', () => {
    const builder = new TurnBuilder(parameters, frames);
    builder.add(0, new Uint8Array(frames * 3).fill(1));
    expect(builder.build(() => -1, 0, 10_000)).toEqual([]);
  });
});
