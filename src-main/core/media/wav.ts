// Owns reading and writing WAV files as Float32 channels, fast enough for hour-long tracks:
// whole-buffer typed-array views, no per-sample Buffer calls.
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { RedubError } from '../../shared/errors.js';
import { samplesToMs } from '../../shared/time.js';

export interface WavAudio {
  sampleRate: number;
  /** One array per channel, samples in -1…1. */
  channels: Float32Array[];
}

export type SampleFormat = 'uint8' | 'int16' | 'int24' | 'int32' | 'float32' | 'float64';

export interface WavLayout {
  format: SampleFormat;
  channelCount: number;
  sampleRate: number;
  dataOffset: number;
  dataBytes: number;
}

/** Frames (one sample of every channel) in a 16-bit PCM WAV's data. */
export function pcm16Frames(layout: Pick<WavLayout, 'dataBytes' | 'channelCount'>): number {
  return Math.floor(layout.dataBytes / (2 * layout.channelCount));
}

const formatPcm = 1;
const formatFloat = 3;
const formatExtensible = 0xfffe;
const bytesPer: Record<SampleFormat, number> = { uint8: 1, int16: 2, int24: 3, int32: 4, float32: 4, float64: 8 };

/** Reads a PCM (8/16/24/32-bit) or float (32/64-bit) WAV, including RF64, skipping chunks it does not need. */
export function readWav(filePath: string): WavAudio {
  let file: Buffer;
  try {
    file = readFileSync(filePath);
  } catch (error) {
    throw fileError(filePath, error);
  }
  const layout = parseLayout((position, length) => file.subarray(position, position + length), file.length, filePath);
  const sampleBytes = bytesPer[layout.format];
  const frames = Math.floor(layout.dataBytes / (sampleBytes * layout.channelCount));
  const data = alignedBytes(file, layout.dataOffset, frames * layout.channelCount * sampleBytes, sampleBytes);
  return { sampleRate: layout.sampleRate, channels: deinterleave(data, layout.format, layout.channelCount, frames) };
}

/** Duration from the header alone: cheap on a file of any size. */
export function wavDurationMs(filePath: string): number {
  const layout = readWavLayout(filePath);
  const frames = Math.floor(layout.dataBytes / (bytesPer[layout.format] * layout.channelCount));
  return samplesToMs(frames, layout.sampleRate);
}

/** Where a WAV file's samples are and how they are stored, read from its header alone. */
export function readWavLayout(filePath: string): WavLayout {
  let descriptor: number;
  try {
    descriptor = openSync(filePath, 'r');
  } catch (error) {
    throw fileError(filePath, error);
  }
  try {
    const read = (position: number, length: number) => {
      const chunk = Buffer.alloc(length);
      const bytesRead = readSync(descriptor, chunk, 0, length, position);
      return chunk.subarray(0, bytesRead);
    };
    return parseLayout(read, fstatSync(descriptor).size, filePath);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Writes 16-bit PCM, clipping to -1…1. Written to a temporary name, synced, then renamed, so a
 * crash leaves either the old file or the whole new one.
 */
export function writeWav(filePath: string, channels: Float32Array[], sampleRate: number): void {
  const channelCount = channels.length;
  const frames = channels[0]?.length ?? 0;
  if (channelCount === 0 || channels.some((channel) => channel.length !== frames) || !(sampleRate > 0)) {
    throw new RedubError('E_INTERNAL', {
      details: [`writeWav(${filePath}) needs one or more channels of equal length and a positive sample rate.`],
    });
  }
  assertWavFits(filePath, channelCount, frames);
  const samples = toInt16Interleaved(channels, 0, frames);
  const header = wavHeader(channelCount, sampleRate, frames);

  const partialPath = `${filePath}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  try {
    const descriptor = openSync(partialPath, 'w');
    try {
      writeSync(descriptor, header);
      writeSync(descriptor, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(partialPath, filePath);
  } catch (error) {
    rmSync(partialPath, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new RedubError(code === 'ENOSPC' ? 'E_DISK_FULL' : 'E_STAGE_FAILED', { details: [`Cannot write ${filePath}: ${(error as Error).message}`] });
  }
}

/** Frames [from, to) of `channels` as interleaved 16-bit samples, clipped to -1…1. */
export function toInt16Interleaved(channels: readonly Float32Array[], from: number, to: number): Int16Array {
  const channelCount = channels.length;
  // Typed arrays use the platform's byte order; every platform Node ships for is little-endian, as WAV is.
  const samples = new Int16Array(Math.max(0, to - from) * channelCount);
  for (let channel = 0; channel < channelCount; channel++) {
    const source = channels[channel]!;
    for (let frame = from, target = channel; frame < to; frame++, target += channelCount) {
      // Math.round, clamped; written out because an hour's mix and stem pass through here.
      const value = Math.floor(source[frame]! * 32768 + 0.5);
      samples[target] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
    }
  }
  return samples;
}

/** Redub writes plain RIFF WAVs, which hold at most 4 GB of samples (about 6 hours of 48 kHz stereo). */
export function assertWavFits(filePath: string, channelCount: number, frames: number): void {
  if (frames * channelCount * 2 > 0xffffffff - 36) {
    throw new RedubError('E_INTERNAL', { details: [`${filePath} would exceed the 4 GB a WAV file can hold.`] });
  }
}

/** The 44-byte header of a 16-bit PCM WAV holding `frames` frames. */
export function wavHeader(channelCount: number, sampleRate: number, frames: number): Buffer {
  const dataBytes = frames * channelCount * 2;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(formatPcm, 20);
  header.writeUInt16LE(channelCount, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channelCount * 2, 28);
  header.writeUInt16LE(channelCount * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

function parseLayout(read: (position: number, length: number) => Buffer, fileSize: number, filePath: string): WavLayout {
  const invalid = (reason: string) =>
    new RedubError('E_NOT_MEDIA', { message: 'The audio file is not a WAV file Redub can read.', details: [`File: ${filePath}`, reason] });
  const riff = read(0, 12);
  const container = riff.toString('latin1', 0, 4);
  if (riff.length < 12 || (container !== 'RIFF' && container !== 'RF64') || riff.toString('latin1', 8, 12) !== 'WAVE') {
    throw invalid('It does not start with a RIFF/WAVE header.');
  }
  let format: SampleFormat | null = null;
  let channelCount = 0;
  let sampleRate = 0;
  let rf64DataBytes: number | null = null;
  let position = 12;
  while (position + 8 <= fileSize) {
    const chunkHeader = read(position, 8);
    if (chunkHeader.length < 8) break;
    const id = chunkHeader.toString('latin1', 0, 4);
    const size = chunkHeader.readUInt32LE(4);
    const body = position + 8;
    if (id === 'fmt ') {
      const fmt = read(body, Math.min(size, 40));
      if (fmt.length < 16) throw invalid('Its format chunk is too short.');
      channelCount = fmt.readUInt16LE(2);
      sampleRate = fmt.readUInt32LE(4);
      const tag = fmt.readUInt16LE(0);
      const encoding = tag === formatExtensible && fmt.length >= 26 ? fmt.readUInt16LE(24) : tag;
      format = sampleFormatOf(encoding, fmt.readUInt16LE(14));
      if (!format) throw invalid(`Its sample format (tag ${encoding}, ${fmt.readUInt16LE(14)} bits) is not PCM or float.`);
      if (channelCount === 0 || sampleRate === 0) throw invalid('Its format chunk names no channels or no sample rate.');
    } else if (id === 'ds64') {
      const ds64 = read(body, 16);
      if (ds64.length === 16) rf64DataBytes = Number(ds64.readBigUInt64LE(8));
    } else if (id === 'data') {
      if (!format) throw invalid('Its data chunk comes before its format chunk.');
      const available = fileSize - body;
      // Streamed writers leave 0 or 0xFFFFFFFF here; a cut file holds less than declared.
      const declared = container === 'RF64' && size === 0xffffffff && rf64DataBytes !== null ? rf64DataBytes : size;
      const dataBytes = declared === 0 || declared === 0xffffffff ? available : Math.min(declared, available);
      return { format, channelCount, sampleRate, dataOffset: body, dataBytes };
    }
    position = body + size + (size % 2); // chunks are padded to even sizes
  }
  throw invalid('It has no data chunk.');
}

function sampleFormatOf(encoding: number, bits: number): SampleFormat | null {
  if (encoding === formatPcm) return ({ 8: 'uint8', 16: 'int16', 24: 'int24', 32: 'int32' } as const)[bits as 8] ?? null;
  if (encoding === formatFloat) return ({ 32: 'float32', 64: 'float64' } as const)[bits as 32] ?? null;
  return null;
}

/** The data bytes at an offset a typed array of `sampleBytes` can view, copying only when misaligned. */
function alignedBytes(file: Buffer, offset: number, length: number, sampleBytes: number): Uint8Array {
  const view = new Uint8Array(file.buffer, file.byteOffset + offset, length);
  if (sampleBytes === 3 || view.byteOffset % sampleBytes === 0) return view;
  const copy = new Uint8Array(length);
  copy.set(view);
  return copy;
}

function deinterleave(data: Uint8Array, format: SampleFormat, channelCount: number, frames: number): Float32Array[] {
  const count = frames * channelCount;
  const { buffer, byteOffset } = data;
  switch (format) {
    case 'int16':
      return splitChannels(new Int16Array(buffer, byteOffset, count), 1 / 32768, channelCount, frames);
    case 'int32':
      return splitChannels(new Int32Array(buffer, byteOffset, count), 1 / 2147483648, channelCount, frames);
    case 'float32':
      return splitChannels(new Float32Array(buffer, byteOffset, count), 1, channelCount, frames);
    case 'float64':
      return splitChannels(new Float64Array(buffer, byteOffset, count), 1, channelCount, frames);
    case 'uint8':
      return splitChannels(Float32Array.from(data.subarray(0, count), (value) => value - 128), 1 / 128, channelCount, frames);
    case 'int24': {
      const widened = new Int32Array(count);
      for (let index = 0, at = 0; index < count; index++, at += 3) {
        widened[index] = (((data[at] as number) | ((data[at + 1] as number) << 8) | ((data[at + 2] as number) << 16)) << 8) >> 8;
      }
      return splitChannels(widened, 1 / 8388608, channelCount, frames);
    }
  }
}

function splitChannels(samples: ArrayLike<number>, scale: number, channelCount: number, frames: number): Float32Array[] {
  const channels: Float32Array[] = [];
  for (let channel = 0; channel < channelCount; channel++) {
    const target = new Float32Array(frames);
    for (let frame = 0, index = channel; frame < frames; frame++, index += channelCount) target[frame] = (samples[index] as number) * scale;
    channels.push(target);
  }
  return channels;
}

function fileError(filePath: string, error: unknown): RedubError {
  const code = (error as NodeJS.ErrnoException).code;
  const details = [`File: ${filePath}`];
  if (code === 'ENOENT') return new RedubError('E_INPUT_MISSING', { message: 'The audio file does not exist.', details });
  if (code === 'EISDIR') return new RedubError('E_INPUT_IS_DIRECTORY', { message: 'The audio path is a folder, not a WAV file.', details });
  return new RedubError('E_INPUT_UNREADABLE', { message: 'The audio file cannot be read.', details: [...details, (error as Error).message] });
}
