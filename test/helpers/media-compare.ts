// Comparing two dubs of the same video the way a viewer would notice a difference: the video
// packets (stream-copied, so they must be identical) and the audio (decoded, within a tolerance).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolveMediaTools } from '../../src-main/core/media/ffmpeg-binaries.js';

const run = promisify(execFile);

/** One MD5 per video packet, in order: equal lists mean the same video stream, byte for byte. */
export async function videoPacketDigests(file: string): Promise<string[]> {
  const { stdout } = await run(resolveMediaTools().ffmpeg, ['-v', 'error', '-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'framemd5', '-'], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** Audio track `track` decoded to 16 kHz mono, and how many decode errors ffmpeg reported. */
export async function decodedAudio(file: string, track = 0): Promise<{ samples: Int16Array; errors: number }> {
  const { stdout, stderr } = await run(
    resolveMediaTools().ffmpeg,
    ['-v', 'error', '-i', file, '-map', `0:a:${track}`, '-ac', '1', '-ar', '16000', '-f', 's16le', '-'],
    { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 },
  );
  const bytes = stdout as Buffer;
  const samples = new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2));
  return { samples, errors: (stderr as Buffer).toString('utf8').split('\n').filter((line) => line.trim() !== '').length };
}

/** Root-mean-square difference of two signals as a fraction of full scale (0 = identical). */
export function rmsDifference(a: Int16Array, b: Int16Array): number {
  const length = Math.max(a.length, b.length);
  if (length === 0) return 0;
  let sum = 0;
  for (let index = 0; index < length; index++) {
    const difference = ((a[index] ?? 0) - (b[index] ?? 0)) / 32768;
    sum += difference * difference;
  }
  return Math.sqrt(sum / length);
}

import { spawn } from 'node:child_process';

/** Per video packet, in decode order: its MD5 (framemd5 of a stream copy), size and keyframe flag. */
export async function videoPacketHashes(file: string): Promise<Array<{ md5: string; size: number }>> {
  const lines = await videoPacketDigests(file);
  // "0,      -1024,          0,      512,     1433, 5c3b…" (stream, dts, pts, duration, size, hash).
  return lines.map((line) => {
    const fields = line.split(',').map((field) => field.trim());
    const md5 = fields.find((field) => /^[0-9a-f]{32}$/.test(field));
    if (!md5) throw new Error(`framemd5 line without a hash: ${line}`);
    return { md5, size: Number(fields[4]) };
  });
}

/**
 * Frames [from, from + count) of `file`'s video as RGB24, decoded from the first frame on (no
 * seeking, so it checks the seeking reader). Frames before `from` are decoded and dropped as they come.
 */
export async function decodedFrames(file: string, width: number, height: number, from = 0, count = Number.POSITIVE_INFINITY): Promise<Uint8Array[]> {
  const frameSize = width * height * 3;
  const limit = Number.isFinite(count) ? ['-frames:v', String(from + count)] : [];
  const child = spawn(resolveMediaTools().ffmpeg, ['-v', 'error', '-i', file, '-map', '0:v:0', '-vsync', 'passthrough', ...limit, '-vf', `scale=${width}:${height}`, '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const frames: Uint8Array[] = [];
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= frameSize) {
      if (index >= from && index < from + count) frames.push(Uint8Array.from(pending.subarray(0, frameSize)));
      pending = pending.subarray(frameSize);
      index++;
    }
  }
  await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('close', resolve)));
  return frames;
}

/** Peak signal-to-noise ratio of two 8-bit pictures in dB (Infinity when identical). */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`Pictures of ${a.length} and ${b.length} bytes cannot be compared.`);
  let sum = 0;
  for (let index = 0; index < a.length; index++) {
    const difference = a[index]! - b[index]!;
    sum += difference * difference;
  }
  return sum === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / (sum / a.length));
}
