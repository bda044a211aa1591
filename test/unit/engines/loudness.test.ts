import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { integratedLoudness, normalizeLoudness } from '../../../src-main/core/engines/mix/loudness.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { noise } from './audio-helpers.js';

const ffmpegPath = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;

/** 32-bit float WAV, so ffmpeg measures exactly the samples we measured. */
function writeWav(file: string, channels: Float32Array[], sampleRate: number): void {
  const frames = channels[0]!.length;
  const data = Buffer.alloc(frames * channels.length * 4);
  for (let frame = 0; frame < frames; frame++) {
    channels.forEach((channel, index) => data.writeFloatLE(channel[frame]!, (frame * channels.length + index) * 4));
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(3, 20); // IEEE float
  header.writeUInt16LE(channels.length, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels.length * 4, 28);
  header.writeUInt16LE(channels.length * 4, 32);
  header.writeUInt16LE(32, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(file, Buffer.concat([header, data]));
}

function ffmpegIntegratedLoudness(file: string): number {
  // ffmpeg prints the ebur128 summary on stderr.
  const result = spawnSync(ffmpegPath, ['-hide_banner', '-nostats', '-i', file, '-af', 'ebur128', '-f', 'null', '-'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg failed: ${result.stderr.slice(-500)}`);
  return parseIntegrated(result.stderr);
}

function parseIntegrated(log: string): number {
  const summary = log.slice(log.lastIndexOf('Summary:'));
  const match = /I:\s+(-?[\d.]+|-inf)\s+LUFS/.exec(summary);
  if (!match) throw new Error(`no integrated loudness in ffmpeg's output:\n${log.slice(-500)}`);
  return match[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(match[1]);
}

/** Programme-like material: tones and noise at several levels, a pause, stereo that differs per side. */
function programme(sampleRate: number): Float32Array[] {
  const seconds = 12;
  const length = seconds * sampleRate;
  const hiss = noise(length, 1, 3);
  const left = new Float32Array(length);
  const right = new Float32Array(length);
  for (let index = 0; index < length; index++) {
    const t = index / sampleRate;
    // Loud 0–4 s, quiet 4–7 s, silent 7–8 s (gated out), medium 8–12 s.
    const level = t < 4 ? 0.5 : t < 7 ? 0.03 : t < 8 ? 0 : 0.2;
    const tone = Math.sin(2 * Math.PI * 440 * t) + 0.5 * Math.sin(2 * Math.PI * 3000 * t) + 0.6 * Math.sin(2 * Math.PI * 70 * t);
    left[index] = level * (0.5 * tone + 0.3 * hiss[index]!);
    right[index] = level * (0.4 * tone - 0.3 * hiss[index]!);
  }
  return [left, right];
}

describe('integratedLoudness', () => {
  const temporary = useTemporaryDirectory();

  it.each([48_000, 44_100])('matches ffmpeg\'s ebur128 within 0.5 LU at %i Hz', (sampleRate) => {
    const channels = programme(sampleRate);
    const file = path.join(temporary(), `programme-${sampleRate}.wav`);
    writeWav(file, channels, sampleRate);
    const ours = integratedLoudness(channels, sampleRate);
    const reference = ffmpegIntegratedLoudness(file);
    expect(Number.isFinite(ours)).toBe(true);
    expect(Math.abs(ours - reference)).toBeLessThan(0.5);
  });

  it('gives the BS.1770 reference: a 997 Hz full-scale sine in one channel is about −3.01 LUFS', () => {
    const sampleRate = 48_000;
    const left = new Float32Array(5 * sampleRate);
    for (let index = 0; index < left.length; index++) left[index] = Math.sin((2 * Math.PI * 997 * index) / sampleRate);
    expect(integratedLoudness([left], sampleRate)).toBeCloseTo(-3.01, 1);
  });

  it('is −Infinity for silence and for audio shorter than one block', () => {
    expect(integratedLoudness([new Float32Array(48_000), new Float32Array(48_000)], 48_000)).toBe(Number.NEGATIVE_INFINITY);
    expect(integratedLoudness([noise(4_800, 0.5)], 48_000)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('normalizeLoudness', () => {
  it('brings programme material to the target within 0.5 LU', () => {
    const channels = programme(48_000);
    const { gainDb, channels: normalized } = normalizeLoudness(channels, 48_000, { targetLufs: -16 });
    expect(gainDb).toBeCloseTo(-16 - integratedLoudness(channels, 48_000), 6);
    expect(Math.abs(integratedLoudness(normalized, 48_000) + 16)).toBeLessThan(0.5);
  });

  it('keeps every sample under the ceiling even when the gain pushes peaks over it', () => {
    const sampleRate = 48_000;
    // Quiet speech-like bed with rare loud clicks: the loudness gain drives the clicks far over.
    const bed = noise(6 * sampleRate, 0.02, 5);
    for (let second = 0; second < 6; second++) bed[second * sampleRate + 1234] = 0.9;
    const { channels } = normalizeLoudness([bed, bed.slice()], sampleRate, { targetLufs: -14, ceilingDb: -1 });
    const ceiling = 10 ** (-1 / 20);
    let peak = 0;
    for (const channel of channels) for (const value of channel) peak = Math.max(peak, Math.abs(value));
    expect(peak).toBeLessThanOrEqual(ceiling);
    expect(peak).toBeGreaterThan(ceiling * 0.9);
    // The limiter's loudness loss is made up, so the target still holds.
    expect(Math.abs(integratedLoudness(channels, sampleRate) + 14)).toBeLessThan(0.5);
  });

  it('leaves silence alone', () => {
    const { gainDb, channels } = normalizeLoudness([new Float32Array(48_000)], 48_000);
    expect(gainDb).toBe(0);
    expect(channels[0]!.every((value) => value === 0)).toBe(true);
  });
});
