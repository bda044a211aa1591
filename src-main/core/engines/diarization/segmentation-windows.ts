// Owns where the segmentation windows fall on a track and what a window's frames mean in samples,
// as sherpa-onnx's pyannote diarization lays them: windows of windowSamples every step from 0;
// where the track does not end on a step, one more window starts at the next step and is
// zero-padded (a track shorter than a window is one padded window). Frame f of a window sees
// samples [f·shift, f·shift + receptive field) of it; on the track's frame grid it is frame
// round(start / shift) + f, whose time is its receptive field's centre.

import type { SegmentationParameters } from './pack-parameters.js';

/** The first sample of each window, in order. */
export function windowStarts(length: number, parameters: Pick<SegmentationParameters, 'windowSamples' | 'windowStepSamples'>): number[] {
  const { windowSamples: window, windowStepSamples: step } = parameters;
  if (length <= 0) return [];
  if (length <= window) return [0];
  const whole = Math.floor((length - window) / step) + 1;
  const starts = Array.from({ length: whole }, (_, index) => index * step);
  if ((length - window) % step > 0) starts.push(whole * step);
  return starts;
}

/** The track-grid frame of a window's frame 0. */
export function windowFrameOffset(windowStart: number, parameters: Pick<SegmentationParameters, 'receptiveFieldShift'>): number {
  return Math.round(windowStart / parameters.receptiveFieldShift);
}

/** Frames on the track's grid that the windows starting at `lastStart` and before cover. */
export function trackFrameCount(lastStart: number, framesPerWindow: number, parameters: Pick<SegmentationParameters, 'receptiveFieldShift'>): number {
  return windowFrameOffset(lastStart, parameters) + framesPerWindow;
}

/** Milliseconds of a track-grid frame's boundary: frames are `shift` apart, centred on their receptive field. */
export function frameTimeMs(frame: number, parameters: Pick<SegmentationParameters, 'receptiveFieldShift' | 'receptiveFieldSamples' | 'sampleRate'>): number {
  return ((frame * parameters.receptiveFieldShift + parameters.receptiveFieldSamples / 2) * 1000) / parameters.sampleRate;
}

/**
 * The samples (window-relative, [start, end)) a run of active frames speaks for: each frame owns
 * the shift-long stretch at its receptive field's centre, so neighbouring frames' stretches meet.
 */
export function frameRunSamples(firstFrame: number, endFrame: number, parameters: Pick<SegmentationParameters, 'receptiveFieldShift' | 'receptiveFieldSamples'>): [number, number] {
  const { receptiveFieldShift: shift, receptiveFieldSamples: field } = parameters;
  const lead = Math.floor((field - shift) / 2);
  return [firstFrame * shift + lead, endFrame * shift + lead];
}

/**
 * Where one local speaker speaks alone in a window: runs of window samples ([start, end)) over
 * the frames where that speaker and nobody else is active (frames with overlap are left out, as
 * sherpa-onnx does, so one embedding hears one voice). Null when fewer than `minFrames` frames
 * qualify.
 */
export function soloRuns(
  activity: Uint8Array, frames: number, localSpeakers: number, speaker: number, minFrames: number,
  parameters: Pick<SegmentationParameters, 'receptiveFieldShift' | 'receptiveFieldSamples'>,
): [number, number][] | null {
  const runs: [number, number][] = [];
  let count = 0;
  let runStart = -1;
  for (let frame = 0; frame <= frames; frame++) {
    const solo = frame < frames && activity[frame * localSpeakers + speaker] === 1 && speakersAt(activity, frame, localSpeakers) === 1;
    if (solo) {
      count++;
      if (runStart < 0) runStart = frame;
    } else if (runStart >= 0) {
      runs.push(frameRunSamples(runStart, frame, parameters));
      runStart = -1;
    }
  }
  return count < minFrames ? null : runs;
}

export function speakersAt(activity: Uint8Array, frame: number, localSpeakers: number): number {
  let count = 0;
  for (let speaker = 0; speaker < localSpeakers; speaker++) count += activity[frame * localSpeakers + speaker]!;
  return count;
}
