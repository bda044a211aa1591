// Owns reading the first channel of a 16-bit PCM WAV a bounded stretch at a time, so the stages
// that analyse a feature-length track (speech detection, Whisper) hold seconds of it, never the
// whole file: an hour at 16 kHz would be a 115 MB buffer plus a 230 MB Float32Array.
import { closeSync, openSync, readSync } from 'node:fs';
import { RedubError } from '../../shared/errors.js';
import { pcm16Frames, readWavLayout, type WavLayout } from './wav.js';

/** 16 s at 16 kHz: 1 MB of floats, and few enough reads that the file is read at disk speed. */
export const defaultChunkFrames = 1 << 18;

/** Samples read a range at a time; a Float32Array becomes one with `arraySamples`. */
export interface SampleReader {
  readonly sampleRate: number;
  /** Samples in the whole track. */
  readonly length: number;
  /** Samples [start, end), clipped to the track, in -1…1; a copy the caller may keep. */
  read(start: number, end: number): Float32Array;
}

/** Reads an analysis WAV's first channel on demand; each read opens the file, so none is left open. */
export function wavSampleReader(filePath: string): SampleReader {
  const layout = pcm16Layout(filePath);
  const length = pcm16Frames(layout);
  return {
    sampleRate: layout.sampleRate,
    length,
    read(start, end) {
      const from = clip(start, length);
      const to = Math.max(from, clip(end, length));
      const descriptor = open(filePath);
      try {
        return readFrames(descriptor, layout, from, to - from, filePath);
      } finally {
        closeSync(descriptor);
      }
    },
  };
}

/**
 * The file's first channel in order, `chunkFrames` samples a chunk (the last may be shorter), and
 * how many samples that makes. The file is opened at the first chunk and closed after the last,
 * or when the consumer stops early (a for-await loop that throws returns the generator).
 */
export function wavSampleChunks(filePath: string, chunkFrames = defaultChunkFrames): { totalSamples: number; chunks: Iterable<Float32Array> } {
  const layout = pcm16Layout(filePath);
  const totalSamples = pcm16Frames(layout);
  return { totalSamples, chunks: chunksOf(filePath, layout, totalSamples, Math.max(1, Math.floor(chunkFrames))) };
}

function* chunksOf(filePath: string, layout: WavLayout, length: number, size: number): Generator<Float32Array, void, undefined> {
  const descriptor = open(filePath);
  try {
    for (let from = 0; from < length; from += size) yield readFrames(descriptor, layout, from, Math.min(size, length - from), filePath);
  } finally {
    closeSync(descriptor);
  }
}

/** A whole track already in memory, as a reader (tests, callers that hold it anyway). */
export function arraySamples(samples: Float32Array, sampleRate: number): SampleReader {
  return {
    sampleRate,
    length: samples.length,
    read: (start, end) => samples.slice(clip(start, samples.length), Math.max(clip(start, samples.length), clip(end, samples.length))),
  };
}

function readFrames(descriptor: number, layout: WavLayout, from: number, count: number, filePath: string): Float32Array {
  const channels = layout.channelCount;
  const samples = new Int16Array(count * channels);
  const bytes = new Uint8Array(samples.buffer);
  const position = layout.dataOffset + from * channels * 2;
  for (let done = 0; done < bytes.length; ) {
    const read = readSync(descriptor, bytes, done, bytes.length - done, position + done);
    // The header said the samples are there: a file cut short since is not analysed as silence.
    if (read === 0) throw new RedubError('E_STAGE_FAILED', { details: [`${filePath} ended ${bytes.length - done} bytes early: it changed while it was being read.`] });
    done += read;
  }
  const result = new Float32Array(count);
  for (let frame = 0, index = 0; frame < count; frame++, index += channels) result[frame] = samples[index]! / 32768;
  return result;
}

function pcm16Layout(filePath: string): WavLayout {
  const layout = readWavLayout(filePath);
  if (layout.format !== 'int16') throw new RedubError('E_INTERNAL', { details: [`${filePath} is not 16-bit PCM; the analysis audio Redub extracts always is.`] });
  return layout;
}

function clip(frame: number, length: number): number {
  return Math.max(0, Math.min(length, Math.floor(frame)));
}

function open(filePath: string): number {
  try {
    return openSync(filePath, 'r');
  } catch (error) {
    throw new RedubError('E_STAGE_FAILED', { details: [`Cannot read ${filePath}: ${(error as Error).message}`] });
  }
}
