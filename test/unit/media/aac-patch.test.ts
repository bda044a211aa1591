// A patched dub track must decode like a fresh encode of the changed track: sample-aligned, no
// seam where the re-encoded frames meet the kept ones, the kept frames the base's own bytes, and
// the same length — wherever the change falls (the start, the middle, the end, several places).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedubError } from '../../../src-main/shared/errors.js';
import { patchAac, patchSegments } from '../../../src-main/core/media/aac-patch.js';
import { aacFrameSize, aacSegmentFrames, adtsFrameOffsets, encodeAac } from '../../../src-main/core/media/aac-segments.js';
import { runFfmpeg } from '../../../src-main/core/media/run-ffmpeg.js';
import { readWav, toInt16Interleaved } from '../../../src-main/core/media/wav.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const rate = 48_000;

/** Tones with a transient every half second, where block switching and the joins are hardest. */
function source(seconds: number): Float32Array[] {
  return [440, 660].map((frequency) => {
    const samples = new Float32Array(Math.round(seconds * rate));
    for (let i = 0; i < samples.length; i++) {
      const t = i / rate;
      samples[i] = 0.3 * Math.sin(2 * Math.PI * frequency * t) * (0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t)) + (t % 0.5 < 0.01 ? 0.4 * Math.sin(2 * Math.PI * 3000 * t) : 0);
    }
    return samples;
  });
}

/** The track with a different voice over [from, to): what a changed cue does to a mix. */
function changed(channels: Float32Array[], ranges: [number, number][]): Float32Array[] {
  return channels.map((channel) => {
    const copy = Float32Array.from(channel);
    for (const [from, to] of ranges) for (let i = from; i < to; i++) copy[i] = 0.5 * copy[i]! + 0.35 * Math.sin((2 * Math.PI * 1250 * i) / rate);
    return copy;
  });
}

const produceFrom = (channels: Float32Array[]) => async (from: number, to: number, write: (samples: Int16Array) => Promise<void>) => {
  for (let start = from; start < to; start += 40_000) await write(toInt16Interleaved(channels, start, Math.min(to, start + 40_000)));
};

async function encode(file: string, channels: Float32Array[]): Promise<void> {
  await encodeAac({ outPath: file, frames: channels[0]!.length, sampleRate: rate, channelCount: 2, bitRate: '192k', encoders: 1, produce: produceFrom(channels) });
}

async function decode(aac: string): Promise<Float32Array[]> {
  const m4a = `${aac}.m4a`;
  await runFfmpeg(['-y', '-itsoffset', String(-aacFrameSize / rate), '-i', aac, '-c', 'copy', m4a]);
  const wav = `${aac}.wav`;
  await runFfmpeg(['-y', '-i', m4a, '-c:a', 'pcm_s16le', wav]);
  return readWav(wav).channels;
}

/** Signal-to-error ratio in dB over [from, to). */
function snr(decoded: Float32Array[], reference: Float32Array[], from: number, to: number): number {
  let signal = 0;
  let error = 0;
  reference.forEach((channel, index) => {
    for (let i = Math.max(0, from); i < Math.min(to, channel.length); i++) {
      signal += channel[i]! ** 2;
      error += (decoded[index]![i]! - channel[i]!) ** 2;
    }
  });
  return 10 * Math.log10(signal / error);
}

describe('patchSegments', () => {
  it('covers each change with margins on the frame grid, joins close ones and runs the last to the end', () => {
    const frames = 60 * rate + 300;
    const segments = patchSegments([[10 * rate + 17, 11 * rate], [12 * rate, 13 * rate], [40 * rate, 41 * rate], [59 * rate, 60 * rate + 300]], frames);
    // 10–11 s and 12–13 s are one stretch (closer than another encoder is worth), 40 s and 59 s their own.
    expect(segments).toHaveLength(3);
    const [first, middle, last] = segments;
    expect(first!.from % aacFrameSize).toBe(0);
    expect(first!.from).toBeLessThanOrEqual(10 * rate + 17 - 3 * aacFrameSize);
    expect(first!.to).toBeGreaterThanOrEqual(13 * rate + 3 * aacFrameSize);
    expect(middle!.from).toBeLessThanOrEqual(40 * rate - 3 * aacFrameSize);
    expect(middle!.to).toBeGreaterThanOrEqual(41 * rate + 3 * aacFrameSize);
    expect(middle!.to).toBeLessThan(59 * rate);
    expect(last!.to).toBe(frames);
    expect(last!.keepTo).toBeNull();
  });

  it('starts a change in the first frames at the track start, with the priming frame', () => {
    const [segment] = patchSegments([[100, 2_000]], 30 * rate);
    expect(segment!.from).toBe(0);
    expect(aacSegmentFrames(segment!).from).toBe(0);
  });
});

describe('patchAac', () => {
  const temporary = useTemporaryDirectory();

  it.each([
    ['in the middle', [[20 * rate + 333, 22 * rate]]],
    ['at the start', [[0, rate]]],
    ['at the end', [[43 * rate, 44 * rate]]],
    ['in several places', [[5 * rate, 6 * rate], [30 * rate, 31 * rate + 5]]],
  ] as [string, [number, number][]][])('splices a change %s without a seam, keeping the base frames elsewhere', async (_, ranges) => {
    const dir = temporary();
    const before = source(44);
    const after = changed(before, ranges);
    const base = path.join(dir, 'base.aac');
    await encode(base, before);
    const fresh = path.join(dir, 'fresh.aac');
    await encode(fresh, after);
    const patched = path.join(dir, 'patched.aac');
    const encodedAgain = await patchAac({ basePath: base, outPath: patched, frames: after[0]!.length, changed: ranges, sampleRate: rate, channelCount: 2, bitRate: '192k', encoders: 2, produce: produceFrom(after) });
    expect(encodedAgain).toBeLessThan(after[0]!.length / 2);

    const decoded = await decode(patched);
    const reference = await decode(fresh);
    expect(decoded[0]!.length).toBe(reference[0]!.length);
    for (const segment of patchSegments(ranges, after[0]!.length)) {
      for (const edge of [segment.from, segment.to]) {
        if (edge <= 0 || edge >= after[0]!.length) continue;
        // A misplaced or broken splice would be tens of dB below the codec's own error.
        const around = snr(decoded, after, edge - 4_096, edge + 4_096);
        expect(around).toBeGreaterThan(snr(reference, after, edge - 4_096, edge + 4_096) - 1);
        expect(around).toBeGreaterThan(30);
      }
    }
    for (const [from, to] of ranges) expect(snr(decoded, after, from, to)).toBeGreaterThan(30);
    expect(snr(decoded, after, 0, after[0]!.length)).toBeGreaterThan(30);

    // Frames before the first re-encoded stretch are the base's bytes.
    const first = aacSegmentFrames(patchSegments(ranges, after[0]!.length)[0]!).from;
    const baseOffsets = adtsFrameOffsets(base);
    expect(readFileSync(patched).subarray(0, baseOffsets[first]).equals(readFileSync(base).subarray(0, baseOffsets[first]))).toBe(true);
    expect(adtsFrameOffsets(patched).length).toBe(baseOffsets.length);
  });

  it('refuses a base stream that is not the track (too few frames), with a code', async () => {
    const dir = temporary();
    const short = source(5);
    const base = path.join(dir, 'short.aac');
    await encode(base, short);
    const long = source(20);
    const error = await patchAac({ basePath: base, outPath: path.join(dir, 'out.aac'), frames: long[0]!.length, changed: [[rate, 2 * rate]], sampleRate: rate, channelCount: 2, bitRate: '192k', encoders: 1, produce: produceFrom(long) }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RedubError);
    expect((error as RedubError).code).toBe('E_STAGE_FAILED');
  });

  it('refuses a base that is not ADTS at all', async () => {
    const dir = temporary();
    const base = path.join(dir, 'noise.aac');
    writeFileSync(base, Buffer.alloc(4096, 7));
    const channels = source(3);
    const error = await patchAac({ basePath: base, outPath: path.join(dir, 'out.aac'), frames: channels[0]!.length, changed: [[0, rate]], sampleRate: rate, channelCount: 2, bitRate: '192k', encoders: 1, produce: produceFrom(channels) }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RedubError);
    expect((error as RedubError).code).toBe('E_FFMPEG_FAILED');
  });
});

describe.skipIf(process.platform !== 'linux' || process.getuid?.() !== 0)('patchAac on a full disk (needs root to mount a tmpfs)', () => {
  const temporary = useTemporaryDirectory();

  it('fails with E_DISK_FULL and leaves the base as it was', async () => {
    const dir = temporary();
    const channels = source(44);
    const base = path.join(dir, 'base.aac');
    await encode(base, channels);
    const baseBytes = readFileSync(base);
    const disk = path.join(dir, 'disk');
    mkdirSync(disk);
    // The re-encoded stretch fits; the spliced copy of the whole track (about 1 MB) does not.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=400k', 'tmpfs', disk]);
    try {
      const error = await patchAac({ basePath: base, outPath: path.join(disk, 'out.aac'), frames: channels[0]!.length, changed: [[20 * rate, 21 * rate]], sampleRate: rate, channelCount: 2, bitRate: '192k', encoders: 1, produce: produceFrom(changed(channels, [[20 * rate, 21 * rate]])) }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(RedubError);
      expect((error as RedubError).code).toBe('E_DISK_FULL');
      expect(readFileSync(base).equals(baseBytes)).toBe(true);
    } finally {
      execFileSync('umount', ['-l', disk]);
    }
  });
});
