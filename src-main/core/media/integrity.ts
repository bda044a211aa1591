// Owns telling a complete media file from one whose end is missing (an interrupted copy or
// download), cheaply: ffprobe reads headers only, and a cut file often has intact headers.
import { open } from 'node:fs/promises';
import { runFfprobeJson } from './run-ffmpeg.js';

export type BoxWalk = 'not-iso-bmff' | 'complete' | 'truncated';

/** Top-level box types one of which opens every MP4/MOV/M4A/3GP file. */
const openingBoxTypes = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'styp', 'sidx']);
const maxBoxesWalked = 1_000_000;

/**
 * Walks the top-level boxes of an MP4/MOV file by their headers only (8–16 bytes each, so a
 * 10 GB file costs a few reads). A box that claims to run past the end of the file, or a file
 * with no `moov` box, is truncated.
 */
export async function walkIsoBmffBoxes(filePath: string, sizeBytes: number): Promise<BoxWalk> {
  const file = await open(filePath, 'r');
  try {
    const header = Buffer.alloc(16);
    let position = 0;
    let sawMovie = false;
    for (let index = 0; index < maxBoxesWalked && position < sizeBytes; index++) {
      const { bytesRead } = await file.read(header, 0, 16, position);
      if (bytesRead < 8) return index === 0 ? 'not-iso-bmff' : 'truncated';
      const type = header.toString('latin1', 4, 8);
      if (index === 0 && !openingBoxTypes.has(type)) return 'not-iso-bmff';
      if (!/^[\x20-\x7e]{4}$/.test(type)) return index === 0 ? 'not-iso-bmff' : 'truncated';
      let boxSize = header.readUInt32BE(0);
      if (boxSize === 1) {
        if (bytesRead < 16) return 'truncated';
        boxSize = Number(header.readBigUInt64BE(8));
      } else if (boxSize === 0) {
        boxSize = sizeBytes - position; // "extends to the end of the file"
      }
      if (boxSize < 8) return index === 0 ? 'not-iso-bmff' : 'truncated';
      if (type === 'moov') sawMovie = true;
      position += boxSize;
      if (position > sizeBytes) return 'truncated';
    }
    return sawMovie ? 'complete' : 'truncated';
  } finally {
    await file.close();
  }
}

const tailMs = 2_000;

/**
 * For containers without a box structure to walk (Matroska, WebM, AVI, MPEG-TS…): reads the
 * packets of the last two seconds the header promises. A cut file runs out of packets well
 * before its promised end; a seek past its end reads a few seconds from wherever it lands.
 */
export async function tailIsPresent(filePath: string, startMs: number, durationMs: number, signal?: AbortSignal): Promise<boolean> {
  const seekSeconds = Math.max(0, startMs + durationMs - tailMs) / 1000;
  const document = await runFfprobeJson(
    ['-show_entries', 'packet=pts_time,duration_time', '-read_intervals', `${seekSeconds.toFixed(3)}%+${(tailMs + 1_000) / 1000}`, filePath],
    { signal },
  );
  const packets = (document as { packets?: Array<{ pts_time?: string; duration_time?: string }> }).packets ?? [];
  let lastEndMs = -Infinity;
  for (const packet of packets) {
    const ptsSeconds = Number(packet.pts_time);
    if (!Number.isFinite(ptsSeconds)) continue;
    const packetSeconds = Number(packet.duration_time);
    lastEndMs = Math.max(lastEndMs, (ptsSeconds + (Number.isFinite(packetSeconds) ? packetSeconds : 0)) * 1000);
  }
  // Slack for streams that end a little before the container says (audio priming, a last long frame).
  const slackMs = Math.min(1_000, durationMs / 2);
  return lastEndMs - startMs >= durationMs - slackMs;
}
