// Reads and overwrites a range of frames inside a 16-bit PCM WAV without touching the rest, so a
// one-cue edit can patch a ten-minute mix in place of rendering it again.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { RedubError } from '../../shared/errors.js';
import { readWavLayout, toInt16Interleaved, type WavAudio, type WavLayout } from './wav.js';

function pcm16Layout(filePath: string): WavLayout {
  const layout = readWavLayout(filePath);
  if (layout.format !== 'int16') throw new RedubError('E_INTERNAL', { details: [`${filePath} is not 16-bit PCM; only Redub's own WAVs can be patched.`] });
  return layout;
}

/** Frames [startFrame, startFrame + frameCount), clipped to the file's length. */
export function readWavFrames(filePath: string, startFrame: number, frameCount: number): WavAudio {
  const layout = pcm16Layout(filePath);
  const frameBytes = 2 * layout.channelCount;
  const totalFrames = Math.floor(layout.dataBytes / frameBytes);
  const from = Math.max(0, Math.min(totalFrames, startFrame));
  const to = Math.max(from, Math.min(totalFrames, startFrame + frameCount));
  const samples = new Int16Array((to - from) * layout.channelCount);
  const descriptor = openSync(filePath, 'r');
  try {
    readSync(descriptor, new Uint8Array(samples.buffer), 0, samples.byteLength, layout.dataOffset + from * frameBytes);
  } finally {
    closeSync(descriptor);
  }
  const count = layout.channelCount;
  const channels = Array.from({ length: count }, () => new Float32Array(to - from));
  // One strided pass per channel: an hour's mix reads its original through here several times.
  for (let channel = 0; channel < count; channel++) {
    const target = channels[channel]!;
    for (let frame = 0, index = channel; frame < target.length; frame++, index += count) target[frame] = samples[index]! / 32768;
  }
  return { sampleRate: layout.sampleRate, channels };
}

/** Overwrites frames from startFrame on with `channels`; frames past the file's end are dropped. */
export function writeWavFrames(filePath: string, startFrame: number, channels: Float32Array[]): void {
  const layout = pcm16Layout(filePath);
  if (channels.length !== layout.channelCount) throw new RedubError('E_INTERNAL', { details: [`${filePath} has ${layout.channelCount} channels, not ${channels.length}.`] });
  const frameBytes = 2 * layout.channelCount;
  const totalFrames = Math.floor(layout.dataBytes / frameBytes);
  const from = Math.max(0, startFrame);
  const to = Math.min(totalFrames, startFrame + (channels[0]?.length ?? 0));
  if (to <= from) return;
  const samples = toInt16Interleaved(channels, from - startFrame, to - startFrame);
  const descriptor = openSync(filePath, 'r+');
  try {
    writeSync(descriptor, new Uint8Array(samples.buffer), 0, samples.byteLength, layout.dataOffset + from * frameBytes);
  } finally {
    closeSync(descriptor);
  }
}
