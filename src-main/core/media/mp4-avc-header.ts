// Owns putting an H.264 global header (avcC) into an MP4 that ffmpeg has written. A stream-copy
// join takes the header of its first piece; when that piece is a re-encoded one, the header must
// still be the original's, which every copied group decodes with and a player seeking into the
// file reads first (the re-encoded pieces carry their own sets in-band). The file must end with
// its moov box, as ffmpeg writes it without +faststart, so no sample offset moves.
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

interface Box {
  type: string;
  start: number;
  /** Offset of the payload; the header is 8 bytes, or 16 with a 64-bit size. */
  body: number;
  end: number;
}

const moovLimit = 256 * 1024 * 1024;
/** VisualSampleEntry fields before its child boxes (ISO/IEC 14496-12 §12.1.3). */
const visualSampleEntryFields = 78;

/** Replaces the avcC box of the file's H.264 track with one holding `record`. Throws (plain Error) when the file is not laid out as expected. */
export function replaceAvcHeader(file: string, record: Uint8Array): void {
  const descriptor = openSync(file, 'r+');
  try {
    const size = fstatSync(descriptor).size;
    const moov = lastTopLevelBox(descriptor, size);
    if (!moov || moov.type !== 'moov') throw new Error(`${file} does not end with its moov box.`);
    if (moov.end - moov.start > moovLimit) throw new Error(`${file}'s moov box is ${moov.end - moov.start} bytes.`);
    const buffer = Buffer.alloc(moov.end - moov.start);
    if (readSync(descriptor, buffer, 0, buffer.length, moov.start) !== buffer.length) throw new Error(`${file} ended inside its moov box.`);

    const moovBox = boxAt(buffer, 0, buffer.length)!;
    const path = findAvcC(buffer, moovBox);
    if (!path) throw new Error(`${file} has no H.264 track with an avcC box.`);
    const avcC = path.at(-1)!;
    const replacement = Buffer.alloc(8 + record.length);
    replacement.writeUInt32BE(replacement.length, 0);
    replacement.write('avcC', 4, 'latin1');
    replacement.set(record, 8);
    const delta = replacement.length - (avcC.end - avcC.start);
    for (const box of path.slice(0, -1)) {
      if (box.body - box.start === 16) buffer.writeBigUInt64BE(BigInt(box.end - box.start + delta), box.start + 8);
      else buffer.writeUInt32BE(box.end - box.start + delta, box.start);
    }
    const rewritten = Buffer.concat([buffer.subarray(0, avcC.start), replacement, buffer.subarray(avcC.end)]);
    for (let written = 0; written < rewritten.length; ) {
      written += writeSync(descriptor, rewritten, written, rewritten.length - written, moov.start + written);
    }
    ftruncateSync(descriptor, moov.start + rewritten.length);
  } finally {
    closeSync(descriptor);
  }
}

/** The boxes from moov down to the avcC of the first avc1/avc3 sample entry, outermost first. */
function findAvcC(buffer: Buffer, moov: Box): Box[] | null {
  for (const trak of children(buffer, moov).filter((box) => box.type === 'trak')) {
    const mdia = child(buffer, trak, 'mdia');
    const minf = mdia && child(buffer, mdia, 'minf');
    const stbl = minf && child(buffer, minf, 'stbl');
    const stsd = stbl && child(buffer, stbl, 'stsd');
    if (!mdia || !minf || !stbl || !stsd) continue;
    // stsd: version and flags (4), entry count (4), then the sample entries.
    for (const entry of boxesIn(buffer, stsd.body + 8, stsd.end)) {
      if (entry.type !== 'avc1' && entry.type !== 'avc3') continue;
      const avcC = boxesIn(buffer, entry.body + visualSampleEntryFields, entry.end).find((box) => box.type === 'avcC');
      if (avcC) return [moov, trak, mdia, minf, stbl, stsd, entry, avcC];
    }
  }
  return null;
}

function lastTopLevelBox(descriptor: number, size: number): Box | null {
  const header = Buffer.alloc(16);
  let last: Box | null = null;
  for (let offset = 0; offset + 8 <= size; ) {
    const read = readSync(descriptor, header, 0, 16, offset);
    const box = read >= 8 ? boxAt(header, 0, size, offset) : null;
    if (!box) return null;
    last = box;
    offset = box.end;
  }
  return last?.end === size ? last : null;
}

function children(buffer: Buffer, parent: Box): Box[] {
  return boxesIn(buffer, parent.body, parent.end);
}

function child(buffer: Buffer, parent: Box, type: string): Box | undefined {
  return children(buffer, parent).find((box) => box.type === type);
}

function boxesIn(buffer: Buffer, from: number, to: number): Box[] {
  const boxes: Box[] = [];
  for (let offset = from; offset + 8 <= to; ) {
    const box = boxAt(buffer, offset, to);
    if (!box) break;
    boxes.push(box);
    offset = box.end;
  }
  return boxes;
}

/** The box whose header is at `buffer[offset]`, which lies at `base` in the coordinates `end` (its container's end) is in. */
function boxAt(buffer: Buffer, offset: number, end: number, base = offset): Box | null {
  let size = buffer.readUInt32BE(offset);
  const type = buffer.toString('latin1', offset + 4, offset + 8);
  let headerLength = 8;
  if (size === 1) {
    if (offset + 16 > buffer.length) return null;
    size = Number(buffer.readBigUInt64BE(offset + 8));
    headerLength = 16;
  } else if (size === 0) {
    size = end - base; // runs to the end of its container
  }
  if (size < headerLength || base + size > end) return null;
  return { type, start: base, body: base + headerLength, end: base + size };
}
