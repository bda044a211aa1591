// Owns reading an H.264 stream's global header (the avcC record MP4 and Matroska keep) far enough
// to re-encode pieces that can live beside the original's packets: a re-encoded piece brings its
// own sequence and picture parameter sets in-band, under ids the original does not use, so the
// original's groups keep decoding with the original's sets (and a player seeking into them finds
// those in the header, as before).

export interface AvcConfiguration {
  profile: number;
  level: number;
  /** Bytes of the length field in front of each NAL unit in a packet (4 from nearly every muxer). */
  nalLengthSize: number;
  sequenceParameterSets: Uint8Array[];
  pictureParameterSets: Uint8Array[];
}

/** Parses an avcC record (ISO/IEC 14496-15 AVCDecoderConfigurationRecord); null when it is not one. */
export function parseAvcConfiguration(record: Uint8Array): AvcConfiguration | null {
  if (record.length < 7 || record[0] !== 1) return null;
  const nalLengthSize = (record[4]! & 0x03) + 1;
  let offset = 5;
  const readSets = (count: number): Uint8Array[] | null => {
    const sets: Uint8Array[] = [];
    for (let index = 0; index < count; index++) {
      if (offset + 2 > record.length) return null;
      const length = (record[offset]! << 8) | record[offset + 1]!;
      offset += 2;
      if (length === 0 || offset + length > record.length) return null;
      sets.push(record.subarray(offset, offset + length));
      offset += length;
    }
    return sets;
  };
  const sequenceParameterSets = readSets(record[offset++]! & 0x1f);
  if (!sequenceParameterSets || offset >= record.length) return null;
  const pictureParameterSets = readSets(record[offset++]!);
  if (!pictureParameterSets) return null;
  return { profile: record[1]!, level: record[3]!, nalLengthSize, sequenceParameterSets, pictureParameterSets };
}

/** seq_parameter_set_id of an SPS NAL unit (header byte included); null when it cannot be read. */
export function sequenceParameterSetId(nal: Uint8Array): number | null {
  // After the NAL header: profile_idc, constraint flags and level_idc, a byte each.
  return firstExpGolomb(withoutEmulationPrevention(nal.subarray(1)), 24);
}

/** pic_parameter_set_id of a PPS NAL unit (header byte included). */
export function pictureParameterSetId(nal: Uint8Array): number | null {
  return firstExpGolomb(withoutEmulationPrevention(nal.subarray(1)), 0);
}

/**
 * The smallest id (0–31) that names neither an SPS nor a PPS of `configuration`: x264 gives its
 * SPS and PPS the same id, so it must be free in both tables. Null when none is.
 */
export function freeParameterSetId(configuration: AvcConfiguration): number | null {
  const taken = new Set<number>();
  for (const nal of configuration.sequenceParameterSets) taken.add(sequenceParameterSetId(nal) ?? -1);
  for (const nal of configuration.pictureParameterSets) taken.add(pictureParameterSetId(nal) ?? -1);
  if (taken.has(-1)) return null;
  for (let id = 0; id < 32; id++) if (!taken.has(id)) return id;
  return null;
}

/** An unsigned Exp-Golomb number starting `bitOffset` bits into `bytes`. */
function firstExpGolomb(bytes: Uint8Array, bitOffset: number): number | null {
  const bit = (position: number) => ((bytes[position >> 3]! >> (7 - (position & 7))) & 1);
  const totalBits = bytes.length * 8;
  let position = bitOffset;
  let zeros = 0;
  while (position < totalBits && bit(position) === 0) {
    zeros++;
    position++;
    if (zeros > 31) return null;
  }
  if (position + zeros >= totalBits) return null;
  position++;
  let value = 0;
  for (let index = 0; index < zeros; index++) value = value * 2 + bit(position++);
  return 2 ** zeros - 1 + value;
}

/** Drops the 0x03 an encoder puts after two zero bytes so no start code appears inside a NAL unit. */
function withoutEmulationPrevention(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of bytes) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}
