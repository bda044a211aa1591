// A lip-sync segment with audio of its own: over the segment the voice stem is that audio and
// nothing of the dub, around it the dub as before — so the track says what the lips say.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeWav } from '../../../src-main/core/media/wav.js';
import { MixRenderer, type MixCue } from '../../../src-main/core/pipeline/mix-renderer.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const rate = 48_000;

function tone(seconds: number, frequency: number, level: number): Float32Array {
  const samples = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < samples.length; i++) samples[i] = level * Math.sin((2 * Math.PI * frequency * i) / rate);
  return samples;
}

describe('a replacing cue in the mix', () => {
  const temporary = useTemporaryDirectory();

  it('silences the dub under it and carries its own audio there, leaving the rest of the dub', () => {
    const dir = temporary();
    const originalPath = path.join(dir, 'original.wav');
    writeWav(originalPath, [tone(8, 110, 0.05), tone(8, 110, 0.05)], rate);
    const dubFile = path.join(dir, 'dub.wav');
    writeWav(dubFile, [tone(4, 300, 0.3)], rate);
    const takeFile = path.join(dir, 'take.wav');
    const take = tone(1.5, 700, 0.25);
    writeWav(takeFile, [take], rate);
    const dub: MixCue = { file: dubFile, placedStartMs: 1000, placedEndMs: 5000 };
    const replacement: MixCue = { file: takeFile, placedStartMs: 2000, placedEndMs: 3500, replaces: true };

    const plain = new MixRenderer(originalPath, [dub]).render(0, 8 * rate).voice;
    const replaced = new MixRenderer(originalPath, [dub, replacement]).render(0, 8 * rate).voice;
    // Inside the segment: the take itself (16-bit WAV rounding aside), nothing of the 300 Hz dub.
    for (let i = 2 * rate + 10; i < 3.5 * rate - 10; i += 97) expect(replaced[i]!).toBeCloseTo(take[i - 2 * rate]!, 3);
    // Outside it: the dub exactly as without the segment.
    for (const i of [Math.round(1.2 * rate), Math.round(1.9 * rate), Math.round(3.6 * rate), Math.round(4.9 * rate)]) expect(replaced[i]).toBe(plain[i]);
    // Before and after the dub cue: silence as before.
    expect(replaced[Math.round(0.5 * rate)]).toBe(0);
  });

  it('renders the same samples in stretches as whole, across the segment edges', () => {
    const dir = temporary();
    const originalPath = path.join(dir, 'original.wav');
    writeWav(originalPath, [tone(6, 110, 0.05)], rate);
    const dubFile = path.join(dir, 'dub.wav');
    writeWav(dubFile, [tone(3, 300, 0.3)], rate);
    const takeFile = path.join(dir, 'take.wav');
    writeWav(takeFile, [tone(1, 700, 0.25)], rate);
    const cues: MixCue[] = [
      { file: dubFile, placedStartMs: 1000, placedEndMs: 4000 },
      { file: takeFile, placedStartMs: 2000, placedEndMs: 3000, replaces: true },
    ];
    const whole = new MixRenderer(originalPath, cues).render(0, 6 * rate).voice;
    const pieces = new MixRenderer(originalPath, cues);
    for (const [from, to] of [[0, 2.1 * rate], [2.1 * rate, 2.9 * rate], [2.9 * rate, 6 * rate]] as [number, number][]) {
      const part = pieces.render(Math.round(from), Math.round(to)).voice;
      for (let i = 0; i < part.length; i += 101) expect(part[i]).toBe(whole[Math.round(from) + i]);
    }
  });
});
