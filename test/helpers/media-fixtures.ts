// Owns generating small, real media files for tests with the ffmpeg Redub itself resolves, so no
// binary fixtures are committed and every test sees the codecs the product will meet.
import { execFile } from 'node:child_process';
import { readFile, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveMediaTools } from '../../src-main/core/media/ffmpeg-binaries.js';

const execFileAsync = promisify(execFile);

export type VideoFixtureFormat = 'mp4' | 'mov' | 'mkv' | 'webm' | 'm4a';

export interface VideoFixtureOptions {
  name?: string;
  seconds?: number;
  audio?: boolean;
  video?: boolean;
  /** WIDTHxHEIGHT */
  size?: string;
  fps?: number;
  format?: VideoFixtureFormat;
  /** Moves the MP4 index (moov) to the front, as web exports do. */
  faststart?: boolean;
  /** ISO 639-2 tag for the audio stream, e.g. "eng". */
  audioLanguage?: string;
  /** Starts the audio this late (the tone still ends with the video), as some camera files do. */
  audioDelaySeconds?: number;
}

async function ffmpeg(args: string[]): Promise<void> {
  await execFileAsync(resolveMediaTools().ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args]);
}

/** testsrc2 picture and a 440 Hz tone, H.264 + AAC (VP8 + Vorbis for WebM). */
export async function makeVideo(dir: string, options: VideoFixtureOptions = {}): Promise<string> {
  const { seconds = 2, audio = true, video = true, size = '160x120', fps = 15, format = 'mp4' } = options;
  const filePath = path.join(dir, options.name ?? `video-${video ? 'v' : ''}${audio ? 'a' : ''}-${seconds}s.${format}`);
  const webm = format === 'webm';
  const args: string[] = [];
  if (video) args.push('-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${fps}`);
  if (audio && options.audioDelaySeconds) args.push('-itsoffset', String(options.audioDelaySeconds));
  if (audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100');
  if (video) args.push(...(webm ? ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8'] : ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']));
  if (audio) args.push('-c:a', webm ? 'libvorbis' : 'aac');
  if (audio && options.audioLanguage) args.push('-metadata:s:a:0', `language=${options.audioLanguage}`);
  if (options.faststart) args.push('-movflags', '+faststart');
  args.push('-t', String(seconds), filePath);
  await ffmpeg(args);
  return filePath;
}

/** A single PNG frame: ffprobe calls it a video stream, Redub must not. */
export async function makeStill(dir: string, name = 'still.png'): Promise<string> {
  const filePath = path.join(dir, name);
  await ffmpeg(['-f', 'lavfi', '-i', 'color=c=red:s=64x48', '-frames:v', '1', filePath]);
  return filePath;
}

export async function makeTextFile(dir: string, name = 'notes.mp4', content = 'These are meeting notes, not a video.\n'): Promise<string> {
  const filePath = path.join(dir, name);
  await writeFile(filePath, content);
  return filePath;
}

export async function makeEmptyFile(dir: string, name = 'empty.mp4'): Promise<string> {
  const filePath = path.join(dir, name);
  await writeFile(filePath, '');
  return filePath;
}

/** A valid video cut to about half its bytes, like an interrupted download. */
export async function makeTruncatedVideo(dir: string, options: VideoFixtureOptions = {}): Promise<string> {
  const format = options.format ?? 'mp4';
  const filePath = await makeVideo(dir, { seconds: 4, name: `truncated${options.faststart ? '-faststart' : ''}.${format}`, ...options });
  const { size } = await stat(filePath);
  await truncate(filePath, Math.floor(size / 2));
  return filePath;
}

/**
 * A real MP4 whose movie, track and media headers all say duration 0 — what a broken exporter
 * leaves. ffmpeg will not write one, so the header fields are zeroed after the fact.
 */
export async function makeZeroDurationVideo(dir: string): Promise<string> {
  const filePath = await makeVideo(dir, { name: 'zero-duration.mp4', seconds: 1 });
  const bytes = await readFile(filePath);
  // Offsets of the 32-bit duration in version-0 boxes (ffmpeg writes version 0 for short files).
  const durationOffsets: Record<string, number> = { mvhd: 24, tkhd: 28, mdhd: 24 };
  const containers = new Set(['moov', 'trak', 'mdia']);
  const walk = (start: number, end: number) => {
    for (let position = start; position + 8 <= end; ) {
      const size = bytes.readUInt32BE(position);
      const type = bytes.toString('latin1', position + 4, position + 8);
      if (size < 8) break;
      const offset = durationOffsets[type];
      if (offset !== undefined) bytes.writeUInt32BE(0, position + offset);
      if (containers.has(type)) walk(position + 8, position + size);
      position += size;
    }
  };
  walk(0, bytes.length);
  await writeFile(filePath, bytes);
  return filePath;
}

export interface ToneOptions {
  name?: string;
  seconds?: number;
  sampleRate?: number;
  channels?: number;
  frequency?: number;
  /** s16: 16-bit PCM; f32: 32-bit float. */
  sampleFormat?: 's16' | 'f32';
}

/** A sine tone WAV written by ffmpeg, so WAV reading is checked against another writer. */
export async function makeTone(dir: string, options: ToneOptions = {}): Promise<string> {
  const { seconds = 1, sampleRate = 48_000, channels = 1, frequency = 440, sampleFormat = 's16' } = options;
  const filePath = path.join(dir, options.name ?? `tone-${sampleRate}-${channels}ch-${sampleFormat}.wav`);
  await ffmpeg([
    '-f', 'lavfi', '-i', `sine=frequency=${frequency}:sample_rate=${sampleRate}`,
    '-t', String(seconds), '-ac', String(channels),
    '-c:a', sampleFormat === 'f32' ? 'pcm_f32le' : 'pcm_s16le',
    filePath,
  ]);
  return filePath;
}
