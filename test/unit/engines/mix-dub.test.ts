import { describe, expect, it } from 'vitest';
import { mixDub } from '../../../src-main/core/engines/mix/mix-dub.js';

const rate = 48_000;
const constant = (length: number, value: number) => new Float32Array(length).fill(value);

describe('mixDub', () => {
  const original = () => [constant(4 * rate, 0.5), constant(4 * rate, 0.5)];

  it('places each cue\'s voice at its start sample, on a timeline as long as the original', () => {
    const { voice } = mixDub({ original: original(), sampleRate: rate, cues: [{ samples: constant(rate / 2, 0.25), startMs: 1000, endMs: 1500 }] });
    expect(voice.length).toBe(4 * rate);
    expect(voice[rate - 1]).toBe(0);
    expect(voice[rate]).toBe(0.25);
    expect(voice[rate + rate / 2 - 1]).toBe(0.25);
    expect(voice[rate + rate / 2]).toBe(0);
  });

  it('ducks the original under the voice, ramps around it and leaves the rest untouched', () => {
    const { mix } = mixDub({ original: original(), sampleRate: rate, cues: [{ samples: constant(rate, 0.1), startMs: 1000, endMs: 2000 }], duckDb: -14, rampMs: 150 });
    const ducked = 0.5 * 10 ** (-14 / 20);
    for (const channel of mix) {
      expect(channel[Math.round(0.5 * rate)]).toBeCloseTo(0.5, 6); // before the ramp
      expect(channel[Math.round(1.5 * rate)]).toBeCloseTo(ducked + 0.1, 5); // under speech, voice on both sides
      expect(channel[Math.round(3 * rate)]).toBeCloseTo(0.5, 6); // after the ramp
      const midRampDown = channel[Math.round(0.925 * rate)]!;
      expect(midRampDown).toBeLessThan(0.5);
      expect(midRampDown).toBeGreaterThan(ducked);
      const midRampUp = channel[Math.round(2.075 * rate)]!;
      expect(midRampUp).toBeLessThan(0.5);
      expect(midRampUp).toBeGreaterThan(ducked);
    }
  });

  it('fades speech that runs past its placed end over 30 ms and cuts it there', () => {
    const { voice } = mixDub({ original: original(), sampleRate: rate, cues: [{ samples: constant(rate, 0.5), startMs: 0, endMs: 500 }] });
    expect(voice[Math.round(0.4 * rate)]).toBe(0.5);
    expect(voice[Math.round(0.485 * rate)]).toBeCloseTo(0.25, 2);
    expect(voice[Math.round(0.5 * rate)]).toBe(0);
  });

  it('cuts a cue at the end of the timeline and drops cues outside it', () => {
    const { voice } = mixDub({
      original: original(),
      sampleRate: rate,
      cues: [
        { samples: constant(rate, 0.5), startMs: 3500, endMs: 4500 },
        { samples: constant(rate, 0.5), startMs: 5000, endMs: 6000 },
      ],
    });
    expect(voice.length).toBe(4 * rate);
    expect(voice[Math.round(3.6 * rate)]).toBe(0.5);
    expect(voice[4 * rate - 1]!).toBeLessThan(0.01);
  });

  it('applies the voice gain', () => {
    const { voice } = mixDub({ original: original(), sampleRate: rate, voiceGainDb: -6, cues: [{ samples: constant(rate, 0.5), startMs: 0, endMs: 1000 }] });
    expect(voice[100]).toBeCloseTo(0.5 * 10 ** (-6 / 20), 6);
  });

  it('stays ducked between cues closer than two ramps', () => {
    const { mix } = mixDub({
      original: original(),
      sampleRate: rate,
      rampMs: 150,
      cues: [
        { samples: constant(rate / 2, 0.1), startMs: 1000, endMs: 1500 },
        { samples: constant(rate / 2, 0.1), startMs: 1700, endMs: 2200 },
      ],
    });
    expect(mix[0]![Math.round(1.6 * rate)]).toBeCloseTo(0.5 * 10 ** (-14 / 20), 5);
  });

  // Speed lives in `npm run bench` (the mix stage's seconds); this checks a long track is mixed right.
  it('mixes 10 minutes of 48 kHz stereo with 150 cues', () => {
    const length = 600 * rate;
    const long = [new Float32Array(length).fill(0.2), new Float32Array(length).fill(0.2)];
    const cues = Array.from({ length: 150 }, (_, index) => ({ samples: constant(2 * rate, 0.1), startMs: index * 4000, endMs: index * 4000 + 2000 }));
    const { mix } = mixDub({ original: long, sampleRate: rate, cues });
    expect(mix[1]!.length).toBe(length);
    // Inside the last cue: the original ducked by 14 dB plus the voice; after it, the original alone.
    expect(mix[1]![Math.round(597 * rate)]).toBeCloseTo(0.2 * 10 ** (-14 / 20) + 0.1, 5);
    expect(mix[1]![length - 1]).toBeCloseTo(0.2, 5);
  });
});
