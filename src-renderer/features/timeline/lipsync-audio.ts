// An added audio file's waveform for the crop handles: the file's bytes decoded with WebAudio at a
// low rate (a waveform a few hundred pixels wide needs no more, and an 8 kHz decode of ten minutes
// is tens of megabytes, not hundreds), reduced at once to min/max pairs, the samples let go. The
// reduction is pure, so its rules are pinned by tests.
import { RedubApiError } from '../../../src-main/shared/client/api-error.js';
import { api } from '../../bridge/index.js';
import { createLipSyncIo, type AudioPeaks } from '../../stores/lipsync-store.js';

/** Buckets of a decoded file's waveform: enough for the editor's width at any screen's density. */
export const waveformBuckets = 2048;

/** The rate files are decoded at for drawing only. */
const decodeRate = 8000;

/** Min and max (−1…1) per bucket over all channels; a bucket past the samples is silence. */
export function peaksOf(channels: readonly Float32Array[], buckets: number, durationMs: number): AudioPeaks {
  const peaks = new Float32Array(2 * buckets);
  const length = channels.reduce((longest, channel) => Math.max(longest, channel.length), 0);
  for (let bucket = 0; bucket < buckets; bucket++) {
    const from = Math.floor((bucket * length) / buckets);
    const to = Math.max(from + 1, Math.floor(((bucket + 1) * length) / buckets));
    let low = 0;
    let high = 0;
    for (const channel of channels) {
      for (let index = from; index < Math.min(to, channel.length); index++) {
        const sample = channel[index]!;
        if (sample < low) low = sample;
        if (sample > high) high = sample;
      }
    }
    peaks[2 * bucket] = Math.max(-1, low);
    peaks[2 * bucket + 1] = Math.min(1, high);
  }
  return { durationMs, peaks, buckets };
}

/** The file's waveform, or E_AUDIO_INVALID where the page cannot decode it. */
export async function decodePeaks(bytes: ArrayBuffer): Promise<AudioPeaks> {
  let buffer: AudioBuffer;
  try {
    buffer = await new OfflineAudioContext(1, 1, decodeRate).decodeAudioData(bytes);
  } catch (caught) {
    throw new RedubApiError({
      code: 'E_AUDIO_INVALID',
      message: 'This page cannot decode the audio file to draw its waveform.',
      action: 'Set its crop with the Crop start and Crop end fields instead; the render reads the file with ffmpeg, which knows more formats.',
      details: [caught instanceof Error ? caught.message : String(caught)],
    });
  }
  const channels = Array.from({ length: buffer.numberOfChannels }, (_, index) => buffer.getChannelData(index));
  return peaksOf(channels, waveformBuckets, Math.round(buffer.duration * 1000));
}

/** The lip-sync store's way to the core in this page: the bridge, IPC in the desktop app, HTTP in a browser. */
export const lipSyncIo = createLipSyncIo(api, { decode: decodePeaks });
