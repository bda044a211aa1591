import { truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { arraySamples, wavSampleChunks, wavSampleReader } from '../../../src-main/core/media/wav-chunks.js';
import { readWav, writeWav } from '../../../src-main/core/media/wav.js';
import { rejectionOf } from '../../helpers/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const ramp = (length: number, scale = 1) => Float32Array.from({ length }, (_, index) => (((index * 37) % 2001) / 1000 - 1) * scale);

function joined(chunks: Iterable<Float32Array>): { samples: Float32Array; sizes: number[] } {
  const list = [...chunks];
  const samples = new Float32Array(list.reduce((total, chunk) => total + chunk.length, 0));
  let at = 0;
  for (const chunk of list) {
    samples.set(chunk, at);
    at += chunk.length;
  }
  return { samples, sizes: list.map((chunk) => chunk.length) };
}

describe('wavSampleChunks and wavSampleReader', () => {
  const temporary = useTemporaryDirectory('redub-wav-chunks-');

  it('yield the first channel in bounded chunks, the same samples readWav gives', () => {
    const file = path.join(temporary(), 'stereo.wav');
    writeWav(file, [ramp(10_007), ramp(10_007, -0.5)], 16_000);
    const whole = readWav(file).channels[0]!;
    const { totalSamples, chunks } = wavSampleChunks(file, 1_000);
    expect(totalSamples).toBe(10_007);
    const { samples, sizes } = joined(chunks);
    expect(sizes).toEqual([...new Array<number>(10).fill(1_000), 7]);
    expect(samples).toEqual(whole);
  });

  it('read any range, clipped to the track', () => {
    const file = path.join(temporary(), 'mono.wav');
    writeWav(file, [ramp(5_000)], 16_000);
    const whole = readWav(file).channels[0]!;
    const reader = wavSampleReader(file);
    expect(reader.sampleRate).toBe(16_000);
    expect(reader.length).toBe(5_000);
    expect(reader.read(1_234, 2_345)).toEqual(whole.slice(1_234, 2_345));
    expect(reader.read(-10, 3)).toEqual(whole.slice(0, 3));
    expect(reader.read(4_990, 6_000)).toEqual(whole.slice(4_990));
    expect(reader.read(6_000, 7_000)).toHaveLength(0);
    const memory = arraySamples(whole, 16_000);
    expect(memory.read(1_234, 2_345)).toEqual(reader.read(1_234, 2_345));
    expect(memory.read(4_990, 6_000)).toEqual(reader.read(4_990, 6_000));
  });

  it('refuse a file cut short after its header was read, rather than analyse the missing end as silence', async () => {
    const file = path.join(temporary(), 'cut.wav');
    writeWav(file, [ramp(8_000)], 16_000);
    const reader = wavSampleReader(file);
    const { chunks } = wavSampleChunks(file, 3_000);
    truncateSync(file, 44 + 2 * 4_000);
    expect(reader.read(0, 4_000)).toHaveLength(4_000);
    const cut = await rejectionOf(Promise.resolve().then(() => reader.read(3_000, 5_000)));
    expect(cut.code).toBe('E_STAGE_FAILED');
    expect(cut.details.join(' ')).toContain('ended 2000 bytes early');
    const error = await rejectionOf(Promise.resolve().then(() => joined(chunks)));
    expect(error.code).toBe('E_STAGE_FAILED');
  });

  it('refuse a WAV that is not 16-bit PCM, and a missing file by name', async () => {
    const file = path.join(temporary(), 'float.wav');
    const header = Buffer.alloc(44);
    header.write('RIFF', 0, 'latin1');
    header.writeUInt32LE(36 + 8, 4);
    header.write('WAVEfmt ', 8, 'latin1');
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(3, 20);
    header.writeUInt16LE(1, 22);
    header.writeUInt32LE(16_000, 24);
    header.writeUInt32LE(64_000, 28);
    header.writeUInt16LE(4, 32);
    header.writeUInt16LE(32, 34);
    header.write('data', 36, 'latin1');
    header.writeUInt32LE(8, 40);
    writeFileSync(file, Buffer.concat([header, Buffer.alloc(8)]));
    expect((await rejectionOf(Promise.resolve().then(() => wavSampleReader(file)))).code).toBe('E_INTERNAL');
    expect((await rejectionOf(Promise.resolve().then(() => wavSampleChunks(path.join(temporary(), 'absent.wav'))))).code).toBe('E_INPUT_MISSING');
  });
});
