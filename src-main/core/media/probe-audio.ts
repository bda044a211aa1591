// Owns checking an audio file a person adds to a job (for a lip-sync segment) before anything is
// queued: a regular file within the size limit (input-files.ts's rules: no folder, pipe, device or
// socket), then probed — no sound stream is E_AUDIO_INVALID, no bytes or no length E_AUDIO_EMPTY,
// longer than the limit E_AUDIO_TOO_LONG. A video with a sound track counts: its sound is used.
import path from 'node:path';
import { RedubError, type ErrorCode } from '../../shared/errors.js';
import { formatTimestamp, secondsToMs } from '../../shared/time.js';
import { checkInputFile } from '../files/input-files.js';
import { runFfprobeJson } from './run-ffmpeg.js';

export interface AudioInfo {
  path: string;
  sizeBytes: number;
  durationMs: number;
  codec: string;
}

export interface AudioLimits {
  maxBytes?: number;
  maxDurationMs?: number;
}

/** The longest added audio when no duration limit is given: as long as the longest video Redub takes by default. */
export const defaultMaxAudioDurationMs = 4 * 3600_000;

interface ProbeDocument {
  streams?: { codec_type?: string; codec_name?: string; duration?: string }[];
  format?: { format_name?: string; duration?: string };
}

export async function probeAudio(file: string, limits: AudioLimits = {}, options: { signal?: AbortSignal } = {}): Promise<AudioInfo> {
  const filePath = path.resolve(file);
  const name = path.basename(filePath);
  const reject = (code: ErrorCode, message: string, extra: string[] = []) => new RedubError(code, { message, details: [`File: ${filePath}`, ...extra] });

  const stats = checkInputFile(filePath, 'audio', limits.maxBytes !== undefined ? { maxBytes: limits.maxBytes } : {});
  if (stats.size === 0) throw reject('E_AUDIO_EMPTY', `The audio file ${name} is empty (0 bytes).`);

  let document: ProbeDocument;
  try {
    document = (await runFfprobeJson(['-show_format', '-show_streams', filePath], options)) as ProbeDocument;
  } catch (error) {
    if (!(error instanceof RedubError) || error.code !== 'E_FFMPEG_FAILED') throw error;
    throw reject('E_AUDIO_INVALID', `The audio file ${name} is not audio Redub can read.`, error.details);
  }
  const audio = (document.streams ?? []).find((stream) => stream.codec_type === 'audio');
  const formatName = document.format?.format_name ?? '';
  if (!audio || formatName === '' || formatName === 'tty') {
    throw reject('E_AUDIO_INVALID', `The audio file ${name} holds no sound stream${formatName && formatName !== 'tty' ? ` (ffprobe reads it as ${formatName})` : ''}.`);
  }

  const durationMs = durationOf(document, audio.duration);
  if (durationMs <= 0) throw reject('E_AUDIO_EMPTY', `The audio file ${name} has no length: its sound stream holds nothing to play.`);
  const maxDurationMs = limits.maxDurationMs ?? defaultMaxAudioDurationMs;
  if (durationMs > maxDurationMs) {
    throw reject('E_AUDIO_TOO_LONG', `The audio file ${name} is ${formatTimestamp(durationMs)} long, longer than the ${formatTimestamp(maxDurationMs)} limit.`);
  }
  return { path: filePath, sizeBytes: stats.size, durationMs, codec: audio.codec_name ?? 'unknown' };
}

/** The sound stream's own length where ffprobe tells it, else the container's. */
function durationOf(document: ProbeDocument, streamDuration: string | undefined): number {
  const stream = Number(streamDuration);
  if (Number.isFinite(stream) && stream > 0) return secondsToMs(stream);
  const format = Number(document.format?.duration);
  return Number.isFinite(format) && format > 0 ? secondsToMs(format) : 0;
}
