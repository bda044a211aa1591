// Owns the probe stage: what an input file holds (streams, duration, fps, size), and rejecting,
// each with its own error code, every file that cannot be dubbed — before anything is queued.
import { open } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { RedubError, type ErrorCode } from '../../shared/errors.js';
import { formatTimestamp, secondsToMs } from '../../shared/time.js';
import { checkInputFile } from '../files/input-files.js';
import { tailIsPresent, walkIsoBmffBoxes } from './integrity.js';
import { runFfprobeJson } from './run-ffmpeg.js';
import { formatBytes } from '../../shared/format.js';

export interface MediaInfo {
  path: string;
  sizeBytes: number;
  durationMs: number;
  formatName: string;
  video: { index: number; codec: string; width: number; height: number; fps: number };
  audio: { index: number; codec: string; sampleRate: number; channels: number; language: string | null };
}

export interface MediaLimits {
  maxBytes?: number;
  maxDurationMs?: number;
}

interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  sample_rate?: string;
  channels?: number;
  duration?: string;
  disposition?: { default?: number; attached_pic?: number; still_image?: number };
  tags?: Record<string, string>;
}

interface ProbeDocument {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string; start_time?: string };
}

/** Codecs that normally hold a picture rather than a moving image. */
const imageCodecs = new Set(['png', 'mjpeg', 'jpeg2000', 'jpegls', 'bmp', 'webp', 'tiff', 'gif', 'ppm', 'pgm', 'pam', 'targa', 'sgi', 'dpx', 'exr', 'qoi']);

/** Probes `inputPath` and throws the RedubError that says why it cannot be dubbed, if it cannot. */
export async function probeMedia(inputPath: string, limits: MediaLimits = {}, options: { signal?: AbortSignal } = {}): Promise<MediaInfo> {
  const filePath = path.resolve(inputPath);
  const fileDetail = `File: ${filePath}`;
  const reject = (code: ErrorCode, extra: string[] = [], message?: string) =>
    new RedubError(code, { message, details: [fileDetail, ...extra] });

  const stats = await statInput(filePath, reject);
  if (stats.size === 0) throw reject('E_INPUT_EMPTY');
  if (limits.maxBytes !== undefined && stats.size > limits.maxBytes) {
    throw reject('E_INPUT_TOO_LARGE', [], `The input file is ${formatBytes(stats.size)}, larger than the ${formatBytes(limits.maxBytes)} limit.`);
  }

  const boxes = await walkIsoBmffBoxes(filePath, stats.size).catch((error: Error) => {
    throw reject('E_INPUT_UNREADABLE', [error.message]);
  });
  let document: ProbeDocument;
  try {
    document = (await runFfprobeJson(['-show_format', '-show_streams', filePath], options)) as ProbeDocument;
  } catch (error) {
    if (!(error instanceof RedubError) || error.code !== 'E_FFMPEG_FAILED') throw error;
    // ffprobe guesses MP4 from the extension and says "moov atom not found" about any text
    // file named .mp4, so only a file that really starts like an MP4 counts as cut short.
    const cutShort = boxes === 'truncated' || (boxes === 'complete' && error.details.some((line) => /moov atom not found/i.test(line)));
    throw reject(cutShort ? 'E_INPUT_TRUNCATED' : 'E_NOT_MEDIA', error.details);
  }
  if (boxes === 'truncated') throw reject('E_INPUT_TRUNCATED', ['A box in the MP4 structure runs past the end of the file.']);

  const formatName = document.format?.format_name ?? '';
  const streams = document.streams ?? [];
  if (!formatName || formatName === 'tty' || streams.length === 0) throw reject('E_NOT_MEDIA');

  const video = streams.find((stream) => stream.codec_type === 'video' && !isPicture(stream, formatName));
  if (!video) {
    const picture = streams.some((stream) => stream.codec_type === 'video');
    throw reject('E_NO_VIDEO_STREAM', [picture ? 'It holds a still image, not a moving picture.' : 'It holds audio only.']);
  }
  const audioStreams = streams.filter((stream) => stream.codec_type === 'audio');
  const audio = audioStreams.find((stream) => stream.disposition?.default === 1) ?? audioStreams[0];
  if (!audio) throw reject('E_NO_AUDIO_STREAM');

  const durationMs = mediaDurationMs(document);
  if (durationMs <= 0) throw reject('E_ZERO_DURATION');
  if (limits.maxDurationMs !== undefined && durationMs > limits.maxDurationMs) {
    throw reject('E_INPUT_TOO_LONG', [], `The video is ${formatTimestamp(durationMs)} long, longer than the ${formatTimestamp(limits.maxDurationMs)} limit.`);
  }
  if (boxes === 'not-iso-bmff') {
    const startMs = secondsToMs(finiteOr(Number(document.format?.start_time), 0));
    if (!(await tailIsPresent(filePath, startMs, durationMs, options.signal))) {
      throw reject('E_INPUT_TRUNCATED', [`Its last seconds (before ${formatTimestamp(durationMs)}) hold no data.`]);
    }
  }

  return {
    path: filePath,
    sizeBytes: stats.size,
    durationMs,
    formatName,
    video: {
      index: video.index,
      codec: video.codec_name ?? 'unknown',
      width: video.width ?? 0,
      height: video.height ?? 0,
      fps: parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate),
    },
    audio: {
      index: audio.index,
      codec: audio.codec_name ?? 'unknown',
      sampleRate: finiteOr(Number(audio.sample_rate), 0),
      channels: audio.channels ?? 0,
      language: languageOf(audio),
    },
  };
}

async function statInput(filePath: string, reject: (code: ErrorCode, extra?: string[]) => RedubError): Promise<Stats> {
  // A pipe or device would block ffprobe or stream forever; neither is a file to dub.
  const stats = checkInputFile(filePath, 'video');
  try {
    await (await open(filePath, 'r')).close();
  } catch (error) {
    throw reject('E_INPUT_UNREADABLE', [(error as Error).message]);
  }
  return stats;
}

/** Cover art, a PNG or a JPEG probe as video streams, but there is no motion to dub onto. */
function isPicture(stream: ProbeStream, formatName: string): boolean {
  if (stream.disposition?.attached_pic === 1 || stream.disposition?.still_image === 1) return true;
  if (/(^|,)image2|_pipe($|,)/.test(formatName)) return true;
  const frames = Number(stream.nb_frames);
  return imageCodecs.has(stream.codec_name ?? '') && (!Number.isFinite(frames) || frames <= 1);
}

function mediaDurationMs(document: ProbeDocument): number {
  const formatSeconds = Number(document.format?.duration);
  if (Number.isFinite(formatSeconds) && formatSeconds > 0) return secondsToMs(formatSeconds);
  const streamSeconds = (document.streams ?? []).map((stream) => Number(stream.duration)).filter(Number.isFinite);
  return streamSeconds.length > 0 ? secondsToMs(Math.max(...streamSeconds)) : 0;
}

function parseRate(rate: string | undefined): number {
  const [numerator, denominator] = (rate ?? '').split('/').map(Number);
  if (!numerator || !denominator || !Number.isFinite(numerator / denominator)) return 0;
  return numerator / denominator;
}

function languageOf(stream: ProbeStream): string | null {
  const language = stream.tags?.language ?? stream.tags?.LANGUAGE ?? '';
  return language && language !== 'und' ? language : null;
}

function finiteOr(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}

