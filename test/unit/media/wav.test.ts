import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWav, wavDurationMs, writeWav } from '../../../src-main/core/media/wav.js';
import { makeTone } from '../../helpers/media-fixtures.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectory('redub-wav-');

function ramp(length: number, scale = 1): Float32Array {
  return Float32Array.from({ length }, (_, index) => scale * (index / length - 0.5));
}

/** Builds a WAV by hand: a `fmt ` chunk, any extra chunks, then `data`. */
function handMadeWav(options: { format: number; bits: number; channels: number; sampleRate: number; data: Buffer; before?: Buffer[]; dataSize?: number }): Buffer {
  const { format, bits, channels, sampleRate, data } = options;
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(format, 8);
  fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(sampleRate, 12);
  fmt.writeUInt32LE((sampleRate * channels * bits) / 8, 16);
  fmt.writeUInt16LE((channels * bits) / 8, 20);
  fmt.writeUInt16LE(bits, 22);
  const dataHeader = Buffer.alloc(8);
  dataHeader.write('data', 0, 'latin1');
  dataHeader.writeUInt32LE(options.dataSize ?? data.length, 4);
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), fmt, ...(options.before ?? []), dataHeader, data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

describe('writeWav + readWav', () => {
  it('round-trips 16-bit stereo to within one quantisation step', () => {
    const filePath = path.join(temporaryDirectory(), 'round-trip.wav');
    const left = ramp(4_801);
    const right = ramp(4_801, -0.5);
    writeWav(filePath, [left, right], 48_000);
    const audio = readWav(filePath);
    expect(audio.sampleRate).toBe(48_000);
    expect(audio.channels).toHaveLength(2);
    expect(audio.channels[0]).toHaveLength(4_801);
    for (const [index, original] of [left, right].entries()) {
      const back = audio.channels[index] as Float32Array;
      const worst = original.reduce((max, value, at) => Math.max(max, Math.abs(value - (back[at] as number))), 0);
      expect(worst).toBeLessThanOrEqual(1 / 32768);
    }
    expect(wavDurationMs(filePath)).toBe(100);
  });

  it('clips samples beyond ±1 instead of wrapping them', () => {
    const filePath = path.join(temporaryDirectory(), 'clipped.wav');
    writeWav(filePath, [Float32Array.from([2, -3, 1, -1, Number.NaN])], 16_000);
    expect(Array.from(readWav(filePath).channels[0] as Float32Array)).toEqual([32767 / 32768, -1, 32767 / 32768, -1, 0]);
  });

  it('writes atomically: no temporary file is left beside the result', () => {
    const folder = temporaryDirectory();
    writeWav(path.join(folder, 'out.wav'), [ramp(100)], 8_000);
    writeWav(path.join(folder, 'out.wav'), [ramp(200)], 8_000);
    expect(readdirSync(folder)).toEqual(['out.wav']);
    expect(readWav(path.join(folder, 'out.wav')).channels[0]).toHaveLength(200);
  });

  it('refuses channels of different lengths', () => {
    expect(() => writeWav(path.join(temporaryDirectory(), 'bad.wav'), [ramp(10), ramp(11)], 8_000)).toThrow(
      expect.objectContaining({ code: 'E_INTERNAL' }),
    );
  });
});

describe('readWav', () => {
  it('reads ffmpeg\'s 16-bit PCM (which carries a LIST chunk before the data)', async () => {
    const filePath = await makeTone(temporaryDirectory(), { sampleRate: 16_000, channels: 1, seconds: 1, sampleFormat: 's16' });
    expect(readFileSync(filePath).includes(Buffer.from('LIST'))).toBe(true);
    const audio = readWav(filePath);
    expect(audio.sampleRate).toBe(16_000);
    expect(audio.channels[0]).toHaveLength(16_000);
    const peak = (audio.channels[0] as Float32Array).reduce((max, value) => Math.max(max, Math.abs(value)), 0);
    expect(peak).toBeGreaterThan(0.1);
    expect(peak).toBeLessThanOrEqual(1);
  });

  it('reads ffmpeg\'s 32-bit float stereo', async () => {
    const filePath = await makeTone(temporaryDirectory(), { sampleRate: 48_000, channels: 2, seconds: 0.5, sampleFormat: 'f32' });
    const audio = readWav(filePath);
    expect(audio.sampleRate).toBe(48_000);
    expect(audio.channels).toHaveLength(2);
    expect(audio.channels[1]).toHaveLength(24_000);
    expect(Array.from((audio.channels[0] as Float32Array).subarray(0, 50))).toEqual(Array.from((audio.channels[1] as Float32Array).subarray(0, 50)));
    expect(wavDurationMs(filePath)).toBe(500);
  });

  it('reads float32 written by hand and skips an odd-sized unknown chunk (with its pad byte)', () => {
    const samples = Float32Array.from([0.25, -0.5, 0.75, -1]);
    const odd = Buffer.concat([Buffer.from('junk', 'latin1'), Buffer.from([3, 0, 0, 0]), Buffer.from([1, 2, 3, 0])]);
    const filePath = path.join(temporaryDirectory(), 'float.wav');
    writeFileSync(filePath, handMadeWav({ format: 3, bits: 32, channels: 2, sampleRate: 8_000, data: Buffer.from(samples.buffer), before: [odd] }));
    const audio = readWav(filePath);
    expect(Array.from(audio.channels[0] as Float32Array)).toEqual([0.25, 0.75]);
    expect(Array.from(audio.channels[1] as Float32Array)).toEqual([-0.5, -1]);
  });

  it('reads 24-bit PCM', () => {
    const data = Buffer.from([0x00, 0x00, 0x40, 0x00, 0x00, 0xc0]); // +0.5, -0.5
    const filePath = path.join(temporaryDirectory(), 'pcm24.wav');
    writeFileSync(filePath, handMadeWav({ format: 1, bits: 24, channels: 1, sampleRate: 8_000, data }));
    expect(Array.from(readWav(filePath).channels[0] as Float32Array)).toEqual([0.5, -0.5]);
  });

  it('reads a streamed WAV whose data size was never filled in', () => {
    const data = Buffer.from(Int16Array.from([16384, -16384, 0]).buffer);
    const filePath = path.join(temporaryDirectory(), 'streamed.wav');
    writeFileSync(filePath, handMadeWav({ format: 1, bits: 16, channels: 1, sampleRate: 1_000, data, dataSize: 0xffffffff }));
    expect(Array.from(readWav(filePath).channels[0] as Float32Array)).toEqual([0.5, -0.5, 0]);
    expect(wavDurationMs(filePath)).toBe(3);
  });

  it('says E_NOT_MEDIA for a file that is not a WAV, and E_INPUT_MISSING for no file', () => {
    const filePath = path.join(temporaryDirectory(), 'text.wav');
    writeFileSync(filePath, 'hello, not audio');
    expect(() => readWav(filePath)).toThrow(expect.objectContaining({ code: 'E_NOT_MEDIA' }));
    expect(() => wavDurationMs(filePath)).toThrow(expect.objectContaining({ code: 'E_NOT_MEDIA' }));
    expect(() => readWav(path.join(temporaryDirectory(), 'none.wav'))).toThrow(expect.objectContaining({ code: 'E_INPUT_MISSING' }));
  });

  // Speed lives in `npm run bench`; this checks a file of a long video's size reads whole.
  it('reads 10 minutes of 48 kHz stereo', () => {
    const filePath = path.join(temporaryDirectory(), 'long.wav');
    const frames = 48_000 * 600;
    writeWav(filePath, [new Float32Array(frames).fill(0.1), new Float32Array(frames).fill(-0.1)], 48_000);
    const audio = readWav(filePath);
    expect(audio.channels[1]).toHaveLength(frames);
    expect(audio.channels[1]![frames - 1]).toBeCloseTo(-0.1, 4);
    expect(wavDurationMs(filePath)).toBe(600_000);
  });
});
