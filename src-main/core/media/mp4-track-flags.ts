// Owns whether an MP4's subtitle tracks show by default. Players (and ffprobe's "default"
// disposition, and mediainfo's "Default") read that from the "enabled" bit of each track's tkhd
// box. The 2018 ffmpeg that @ffmpeg-installer ships ignores `-disposition:s 0` and marks the
// subtitle track enabled, so Spanish subtitles came up over the Spanish dub; setting the bit here
// after muxing makes the flag right whichever ffmpeg wrote the file. Only the three flag bytes of
// each subtitle track's tkhd are rewritten in place; nothing moves.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

const enabledFlag = 0x000001;
const subtitleHandlers = new Set(['sbtl', 'text', 'subt', 'tx3g']);
/** A moov box larger than this is not an MP4 Redub wrote (an hour's is a few MB). */
const moovLimit = 256 * 1024 * 1024;

interface Box {
  type: string;
  /** Offset of the box's first byte in the buffer or file. */
  start: number;
  /** Offset of its payload. */
  body: number;
  end: number;
}

/** Sets the enabled bit of every subtitle track to `shown`; returns how many tracks it changed or found. */
export function setSubtitleTracksShown(file: string, shown: boolean): { subtitleTracks: number } {
  const descriptor = openSync(file, 'r+');
  try {
    const moov = findTopLevelBox(descriptor, 'moov');
    if (!moov) throw new Error(`${file} has no moov box.`);
    if (moov.end - moov.start > moovLimit) throw new Error(`${file}'s moov box is ${moov.end - moov.start} bytes.`);
    const buffer = Buffer.alloc(moov.end - moov.body);
    readExactly(descriptor, buffer, moov.body);
    let subtitleTracks = 0;
    for (const trak of childBoxes(buffer, 0, buffer.length).filter((box) => box.type === 'trak')) {
      const children = childBoxes(buffer, trak.body, trak.end);
      const tkhd = children.find((box) => box.type === 'tkhd');
      const mdia = children.find((box) => box.type === 'mdia');
      const hdlr = mdia && childBoxes(buffer, mdia.body, mdia.end).find((box) => box.type === 'hdlr');
      if (!tkhd || !hdlr) continue;
      // hdlr: version and flags (4), pre_defined (4), handler_type (4).
      const handler = buffer.toString('latin1', hdlr.body + 8, hdlr.body + 12);
      if (!subtitleHandlers.has(handler)) continue;
      subtitleTracks++;
      const flagsAt = tkhd.body + 1;
      const flags = buffer.readUIntBE(flagsAt, 3);
      const wanted = shown ? flags | enabledFlag : flags & ~enabledFlag;
      if (wanted === flags) continue;
      const bytes = Buffer.alloc(3);
      bytes.writeUIntBE(wanted, 0, 3);
      writeSync(descriptor, bytes, 0, 3, moov.body + flagsAt);
    }
    return { subtitleTracks };
  } finally {
    closeSync(descriptor);
  }
}

function findTopLevelBox(descriptor: number, type: string): Box | null {
  const size = fstatSync(descriptor).size;
  const header = Buffer.alloc(16);
  for (let offset = 0; offset + 8 <= size; ) {
    const read = readSync(descriptor, header, 0, 16, offset);
    if (read < 8) return null;
    const box = boxAt(header, 0, read, offset, size);
    if (!box) return null;
    if (box.type === type) return box;
    offset = box.end;
  }
  return null;
}

/** The boxes inside a payload, stopping at the first that does not fit. */
function childBoxes(buffer: Buffer, from: number, to: number): Box[] {
  const boxes: Box[] = [];
  for (let offset = from; offset + 8 <= to; ) {
    const box = boxAt(buffer, offset, to, offset, to);
    if (!box) break;
    boxes.push(box);
    offset = box.end;
  }
  return boxes;
}

/** Reads a box header at `offset` of `buffer`; `base` is where that offset lies in its container. */
function boxAt(buffer: Buffer, offset: number, available: number, base: number, containerEnd: number): Box | null {
  let size = buffer.readUInt32BE(offset);
  const type = buffer.toString('latin1', offset + 4, offset + 8);
  let headerLength = 8;
  if (size === 1) {
    if (offset + 16 > available) return null;
    size = Number(buffer.readBigUInt64BE(offset + 8));
    headerLength = 16;
  } else if (size === 0) {
    size = containerEnd - base; // runs to the end of its container
  }
  if (size < headerLength || base + size > containerEnd) return null;
  return { type, start: base, body: base + headerLength, end: base + size };
}

function readExactly(descriptor: number, buffer: Buffer, position: number): void {
  for (let done = 0; done < buffer.length; ) {
    const read = readSync(descriptor, buffer, done, buffer.length - done, position + done);
    if (read === 0) throw new Error('The file ended inside its moov box.');
    done += read;
  }
}
