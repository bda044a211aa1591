// Owns the extract stage: one decode of the input's audio into the two WAVs later stages read.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { RedubError } from '../../shared/errors.js';
import { runFfmpeg, type FfmpegRunOptions } from './run-ffmpeg.js';

export interface ExtractedAudio {
  /** 16 kHz mono s16le: what speech detection and recognition read. */
  analysisPath: string;
  /** 48 kHz stereo s16le: the background the dub is mixed over. */
  mixPath: string;
}

/**
 * Decodes stream `audioStreamIndex` (the container's index, as in MediaInfo.audio.index) once
 * and writes both WAVs from that one decode. Outputs appear atomically, so a crash mid-way never
 * leaves a half-written WAV that a resumed job would take for a finished artifact.
 */
export async function extractAudio(
  input: string,
  audioStreamIndex: number,
  outDir: string,
  options: FfmpegRunOptions = {},
): Promise<ExtractedAudio> {
  const analysisPath = path.join(outDir, 'analysis.wav');
  const mixPath = path.join(outDir, 'mix.wav');
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  const analysisPartial = `${analysisPath}.${suffix}`;
  const mixPartial = `${mixPath}.${suffix}`;
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RedubError(code === 'ENOSPC' ? 'E_DISK_FULL' : 'E_STAGE_FAILED', { details: [`Cannot create ${outDir}: ${(error as Error).message}`] });
  }

  // Pads (or trims) by timestamps so WAV time 0 is the video's time 0 even when the audio
  // starts late or has gaps; otherwise every dubbed line would drift by that offset.
  const alignToTimeline = 'aresample=async=1:first_pts=0';
  const output = (channels: number, sampleRate: number, target: string) => [
    '-map', `0:${audioStreamIndex}`,
    '-af', alignToTimeline,
    '-ac', String(channels),
    '-ar', String(sampleRate),
    '-c:a', 'pcm_s16le',
    '-bitexact',
    '-f', 'wav',
    target,
  ];
  try {
    await runFfmpeg(['-y', '-i', input, ...output(1, 16_000, analysisPartial), ...output(2, 48_000, mixPartial)], options);
    await rename(analysisPartial, analysisPath);
    await rename(mixPartial, mixPath);
  } finally {
    await Promise.all([rm(analysisPartial, { force: true }), rm(mixPartial, { force: true })]);
  }
  return { analysisPath, mixPath };
}
