// Owns waveform peaks: the min and max of a track's samples per short block, at several zoom
// levels, in one file (after BBC audiowaveform's .dat: a header, then 8-bit min/max pairs per
// level). Computed once per audio in one streaming pass over its 16-bit WAV; a range of any
// length is then served at any width by reading only the slice of the nearest level it needs,
// so zooming and scrolling an hour of audio never computes it again.
import { closeSync, openSync, readSync, writeSync, fstatSync } from 'node:fs';
import { RedubError } from '../../shared/errors.js';
import { readWavLayout } from './wav.js';

const magic = 'RDPK';
const version = 1;
/** The finest level holds about this many peaks a second: a second fills a screen at 1000 px. */
const finestPeaksPerSecond = 1000;
/** Each level is this many times coarser than the one before. */
const levelFactor = 4;
const levelCount = 6;
const headerBytes = 24;
const levelEntryBytes = 12;
const chunkFrames = 1 << 16;

export interface PeaksLevel {
  samplesPerPeak: number;
  count: number;
  offset: number;
}

export interface PeaksHeader {
  sampleRate: number;
  frames: number;
  levels: PeaksLevel[];
}

/** Reads a 16-bit WAV once and writes its peaks file; returns what the header says. */
export function writePeaks(wavPath: string, peaksPath: string, onProgress?: (fraction: number) => void): PeaksHeader {
  const layout = readWavLayout(wavPath);
  if (layout.format !== 'int16') throw new RedubError('E_INTERNAL', { details: [`${wavPath} is not 16-bit PCM; peaks are made from Redub's own WAVs.`] });
  const channels = layout.channelCount;
  const frames = Math.floor(layout.dataBytes / (2 * channels));
  const finestSpp = Math.max(1, Math.round(layout.sampleRate / finestPeaksPerSecond));
  const finest = new Int8Array(2 * Math.ceil(frames / finestSpp));

  const input = openSync(wavPath, 'r');
  try {
    const samples = new Int16Array(chunkFrames * channels);
    const bytes = new Uint8Array(samples.buffer);
    let peak = 0;
    let inPeak = 0;
    let low = 32767;
    let high = -32768;
    for (let done = 0; done < frames; ) {
      const count = Math.min(chunkFrames, frames - done);
      readSync(input, bytes, 0, count * channels * 2, layout.dataOffset + done * channels * 2);
      for (let index = 0, end = count * channels; index < end; ) {
        for (let channel = 0; channel < channels; channel++, index++) {
          const value = samples[index]!;
          if (value < low) low = value;
          if (value > high) high = value;
        }
        if (++inPeak === finestSpp) {
          finest[2 * peak] = low >> 8;
          finest[2 * peak + 1] = high >> 8;
          peak++;
          inPeak = 0;
          low = 32767;
          high = -32768;
        }
      }
      done += count;
      onProgress?.(done / frames);
    }
    if (inPeak > 0) {
      finest[2 * peak] = low >> 8;
      finest[2 * peak + 1] = high >> 8;
    }
  } finally {
    closeSync(input);
  }

  const pyramid: Int8Array[] = [finest];
  while (pyramid.length < levelCount) pyramid.push(coarser(pyramid.at(-1)!));
  let offset = headerBytes + levelEntryBytes * pyramid.length;
  const levels = pyramid.map((data, level) => {
    const entry = { samplesPerPeak: finestSpp * levelFactor ** level, count: data.length / 2, offset };
    offset += data.length;
    return entry;
  });
  const header = Buffer.alloc(headerBytes + levelEntryBytes * levels.length);
  header.write(magic, 0, 'latin1');
  header.writeUInt32LE(version, 4);
  header.writeUInt32LE(layout.sampleRate, 8);
  header.writeDoubleLE(frames, 12);
  header.writeUInt32LE(levels.length, 20);
  levels.forEach((entry, index) => {
    header.writeUInt32LE(entry.samplesPerPeak, headerBytes + index * levelEntryBytes);
    header.writeUInt32LE(entry.count, headerBytes + index * levelEntryBytes + 4);
    header.writeUInt32LE(entry.offset, headerBytes + index * levelEntryBytes + 8);
  });
  const output = openSync(peaksPath, 'w');
  try {
    writeSync(output, header);
    for (const data of pyramid) writeSync(output, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  } finally {
    closeSync(output);
  }
  return { sampleRate: layout.sampleRate, frames, levels };
}

function coarser(finer: Int8Array): Int8Array {
  const peaks = finer.length / 2;
  const result = new Int8Array(2 * Math.ceil(peaks / levelFactor));
  for (let target = 0; target < result.length / 2; target++) {
    let low = 127;
    let high = -128;
    for (let source = target * levelFactor; source < Math.min(peaks, (target + 1) * levelFactor); source++) {
      if (finer[2 * source]! < low) low = finer[2 * source]!;
      if (finer[2 * source + 1]! > high) high = finer[2 * source + 1]!;
    }
    result[2 * target] = low;
    result[2 * target + 1] = high;
  }
  return result;
}

export function readPeaksHeader(peaksPath: string): PeaksHeader {
  const descriptor = openSync(peaksPath, 'r');
  try {
    return headerOf(descriptor, peaksPath);
  } finally {
    closeSync(descriptor);
  }
}

function headerOf(descriptor: number, peaksPath: string): PeaksHeader {
  const invalid = () => new RedubError('E_ARTIFACT_INVALID', { details: [`${peaksPath} is not a peaks file Redub wrote.`] });
  const fixed = Buffer.alloc(headerBytes);
  if (readSync(descriptor, fixed, 0, headerBytes, 0) !== headerBytes || fixed.toString('latin1', 0, 4) !== magic || fixed.readUInt32LE(4) !== version) throw invalid();
  const count = fixed.readUInt32LE(20);
  if (count === 0 || count > 32) throw invalid();
  const table = Buffer.alloc(count * levelEntryBytes);
  readSync(descriptor, table, 0, table.length, headerBytes);
  const levels = Array.from({ length: count }, (_, index) => ({
    samplesPerPeak: table.readUInt32LE(index * levelEntryBytes),
    count: table.readUInt32LE(index * levelEntryBytes + 4),
    offset: table.readUInt32LE(index * levelEntryBytes + 8),
  }));
  const last = levels.at(-1)!;
  if (fstatSync(descriptor).size < last.offset + 2 * last.count) throw invalid();
  return { sampleRate: fixed.readUInt32LE(8), frames: fixed.readDoubleLE(12), levels };
}

export interface PeaksRange {
  startMs: number;
  endMs: number;
  /** How many min/max pairs to return: the width the range is drawn at. */
  pixels: number;
}

/**
 * `pixels` min/max pairs covering [startMs, endMs), from the coarsest level that still has a peak
 * per pixel (the finest when zoomed in further). Values are −128…127; outside the audio, 0.
 */
export function readPeaks(peaksPath: string, range: PeaksRange): Int8Array {
  const descriptor = openSync(peaksPath, 'r');
  try {
    const header = headerOf(descriptor, peaksPath);
    const pixels = Math.max(1, Math.round(range.pixels));
    const startFrame = (range.startMs / 1000) * header.sampleRate;
    const endFrame = (range.endMs / 1000) * header.sampleRate;
    const framesPerPixel = Math.max(1e-9, (endFrame - startFrame) / pixels);
    const level = [...header.levels].reverse().find((candidate) => candidate.samplesPerPeak <= framesPerPixel) ?? header.levels[0]!;
    const first = Math.max(0, Math.floor(startFrame / level.samplesPerPeak));
    const last = Math.min(level.count, Math.ceil(endFrame / level.samplesPerPeak));
    const slice = Buffer.alloc(Math.max(0, last - first) * 2);
    if (slice.length > 0) readSync(descriptor, slice, 0, slice.length, level.offset + first * 2);
    const peaks = new Int8Array(slice.buffer, slice.byteOffset, slice.length);
    const result = new Int8Array(pixels * 2);
    for (let pixel = 0; pixel < pixels; pixel++) {
      const from = Math.floor((startFrame + pixel * framesPerPixel) / level.samplesPerPeak);
      const to = Math.max(from + 1, Math.floor((startFrame + (pixel + 1) * framesPerPixel) / level.samplesPerPeak));
      let low = 127;
      let high = -128;
      for (let peak = Math.max(from, first); peak < Math.min(to, last); peak++) {
        const at = (peak - first) * 2;
        if (peaks[at]! < low) low = peaks[at]!;
        if (peaks[at + 1]! > high) high = peaks[at + 1]!;
      }
      if (high >= low) {
        result[2 * pixel] = low;
        result[2 * pixel + 1] = high;
      }
    }
    return result;
  } finally {
    closeSync(descriptor);
  }
}
