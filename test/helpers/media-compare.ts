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
