// The dub track encoded by several AAC encoders at once must decode like one encoder's track:
// sample-aligned with the source, no worse at the joins than anywhere else.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aacFrameSize, aacSegments, encodeAac } from '../../../src-main/core/media/aac-segments.js';
import { runFfmpeg } from '../../../src-main/core/media/run-ffmpeg.js';
import { readWav, toInt16Interleaved } from '../../../src-main/core/media/wav.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const rate = 48_000;

describe('aacSegments', () => {
  it('tiles the track with frame-aligned stretches whose kept frames meet end to end', () => {
    const frames = 150 * rate + 77;
    const segments = aacSegments(frames, 3);
    expect(segments).toHaveLength(3);
    expect(segments[0]!.from).toBe(0);
    expect(segments.at(-1)!.to).toBe(frames);
    for (const [index, segment] of segments.entries()) {
      if (index > 0) expect(segment.from).toBe(segments[index - 1]!.to);
      expect(segment.from % aacFrameSize).toBe(0);
      // Decoded frame j of an encoder holds its input [(j − 1)·1024, j·1024): the first kept frame starts the stretch.
      if (index > 0) expect(segment.inputFrom + (segment.keepFrom - 1) * aacFrameSize).toBe(segment.from);
      if (segment.keepTo !== null) expect(segment.inputFrom + (segment.keepTo - 1) * aacFrameSize).toBe(segment.to);
      expect(segment.inputTo).toBeGreaterThanOrEqual(segment.to);
    }
  });

  it('keeps a short track to one encoder', () => {
    expect(aacSegments(5 * rate, 8)).toEqual([{ from: 0, to: 5 * rate, inputFrom: 0, inputTo: 5 * rate, keepFrom: 0, keepTo: null }]);
    expect(aacSegments(20 * rate, 8)).toHaveLength(3);
  });
});

describe('encodeAac', () => {
  const temporary = useTemporaryDirectory();

  /** Tones with a transient every half second, where block switching and the joins are hardest. */
  function source(seconds: number): Float32Array[] {
    return [440, 660].map((frequency) => {
      const samples = new Float32Array(seconds * rate);
      for (let i = 0; i < samples.length; i++) {
        const t = i / rate;
        samples[i] = 0.3 * Math.sin(2 * Math.PI * frequency * t) * (0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t)) + (t % 0.5 < 0.01 ? 0.4 * Math.sin(2 * Math.PI * 3000 * t) : 0);
      }
      return samples;
    });
  }

  async function encodeAndDecode(dir: string, channels: Float32Array[], encoders: number) {
    const aac = path.join(dir, `dub-${encoders}.aac`);
    const used = await encodeAac({
      outPath: aac,
      frames: channels[0]!.length,
      sampleRate: rate,
      channelCount: 2,
      bitRate: '192k',
      encoders,
      produce: async (from, to, write) => {
        for (let start = from; start < to; start += 40_000) await write(toInt16Interleaved(channels, start, Math.min(to, start + 40_000)));
      },
    });
    const m4a = path.join(dir, `dub-${encoders}.m4a`);
    await runFfmpeg(['-y', '-itsoffset', String(-aacFrameSize / rate), '-i', aac, '-c', 'copy', m4a]);
    const wav = path.join(dir, `dub-${encoders}.wav`);
    await runFfmpeg(['-y', '-i', m4a, '-c:a', 'pcm_s16le', wav]);
    return { used, decoded: readWav(wav).channels };
  }

  /** Signal-to-error ratio in dB over [from, to). */
  function snr(decoded: Float32Array[], reference: Float32Array[], from: number, to: number): number {
    let signal = 0;
    let error = 0;
    reference.forEach((channel, index) => {
      for (let i = from; i < to; i++) {
        signal += channel[i]! ** 2;
        error += (decoded[index]![i]! - channel[i]!) ** 2;
      }
    });
    return 10 * Math.log10(signal / error);
  }

  it('joins two encoders without a seam, sample-aligned', async () => {
    const dir = temporary();
    const channels = source(44);
    const single = await encodeAndDecode(dir, channels, 1);
    const split = await encodeAndDecode(dir, channels, 2);
    expect(single.used).toBe(1);
    expect(split.used).toBe(2);
    expect(split.decoded[0]!.length).toBe(single.decoded[0]!.length);
    const join = aacSegments(channels[0]!.length, 2)[1]!.from;
    const around = snr(split.decoded, channels, join - 4_096, join + 4_096);
    // A misaligned or broken join would be far below the codec's own error (tens of dB lower).
    expect(around).toBeGreaterThan(snr(single.decoded, channels, join - 4_096, join + 4_096) - 1);
    expect(around).toBeGreaterThan(30);
    expect(snr(split.decoded, channels, rate, channels[0]!.length - rate)).toBeGreaterThan(30);
  });
});
