// Owns what ffprobe says about a video stream's compressed form: every packet (timestamps,
// keyframe flag, size) and the codec parameters a re-encode must match so its pieces can sit
// between stream-copied ones. Smart cutting decides from these which groups of pictures to copy.
import { RedubError } from '../../shared/errors.js';
import { runFfprobeJson } from './run-ffmpeg.js';
import { linesOf, startTool } from './tool-process.js';

export interface VideoPacket {
  /** Timestamps and duration in the stream's time base; null where ffprobe says N/A. */
  pts: number | null;
  dts: number | null;
  duration: number | null;
  keyframe: boolean;
  size: number;
}

export interface Rational {
  numerator: number;
  denominator: number;
}

export interface VideoStreamParameters {
  /** The stream's index in its container. */
  index: number;
  codec: string;
  /** As ffprobe names it: "High", "Main", "Constrained Baseline"…; null when not known. */
  profile: string | null;
  /** level_idc: 31 for level 3.1; null when not known. */
  level: number | null;
  pixelFormat: string | null;
  width: number;
  height: number;
  timeBase: Rational;
  /** The stream's base rate (r_frame_rate) and its average (avg_frame_rate); they differ when the rate varies. */
  frameRate: Rational | null;
  averageFrameRate: Rational | null;
  /** Frames the decoder holds back to reorder them (0 without B-frames). */
  reorderDepth: number;
  /** "progressive", "tt", "bb"…; null when the stream does not say. */
  fieldOrder: string | null;
  /** "16:9" style, null when square or unknown. */
  sampleAspectRatio: string | null;
  colour: { range: string | null; space: string | null; transfer: string | null; primaries: string | null };
  /** The first timestamp, in seconds; null when not known. */
  startSeconds: number | null;
  /** The codec's global header (avcC for H.264 in MP4 and MKV), null when there is none. */
  extradata: Uint8Array | null;
}

/** Lists the packets of `inputPath`'s first video stream in file (decode) order, reading ffprobe's output as it comes. */
export async function listVideoPackets(inputPath: string, options: { signal?: AbortSignal } = {}): Promise<VideoPacket[]> {
  const tool = startTool('ffprobe', [
    '-v', 'error', '-select_streams', 'v:0', '-show_packets',
    '-show_entries', 'packet=pts,dts,duration,flags,size',
    // Keys kept, so the columns' order (ffprobe's, not the order asked for) does not matter.
    '-of', 'csv=p=0:nk=0', inputPath,
  ], options);
  const packets: VideoPacket[] = [];
  try {
    for await (const line of linesOf(tool.stdout)) {
      const packet = parsePacketLine(line);
      if (packet) packets.push(packet);
    }
  } catch (error) {
    // The pipe closed under us: a cancel (which `done` reports) or a broken read; either way
    // ffprobe must not outlive the call.
    tool.stop();
    await tool.done;
    throw error;
  }
  await tool.done;
  return packets;
}

/** One line of `-of csv=p=0:nk=0` packet output ("pts=0,dts=-1024,duration=512,size=1433,flags=K_"), or null. */
export function parsePacketLine(line: string): VideoPacket | null {
  const fields = new Map<string, string>();
  for (const item of line.split(',')) {
    const separator = item.indexOf('=');
    if (separator > 0) fields.set(item.slice(0, separator).trim(), item.slice(separator + 1).trim());
  }
  const size = Number(fields.get('size'));
  if (!fields.has('flags') || !Number.isFinite(size)) return null;
  return {
    pts: integerOrNull(fields.get('pts')),
    dts: integerOrNull(fields.get('dts')),
    duration: integerOrNull(fields.get('duration')),
    keyframe: (fields.get('flags') ?? '').startsWith('K'),
    size,
  };
}

interface ProbeStream {
  index?: number;
  codec_name?: string;
  profile?: string;
  level?: number;
  pix_fmt?: string;
  width?: number;
  height?: number;
  time_base?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  has_b_frames?: number;
  field_order?: string;
  sample_aspect_ratio?: string;
  color_range?: string;
  color_space?: string;
  color_transfer?: string;
  color_primaries?: string;
  start_time?: string;
  extradata?: string;
  extradata_size?: number;
}

/** The codec parameters of `inputPath`'s first video stream. */
export async function probeVideoStream(inputPath: string, options: { signal?: AbortSignal } = {}): Promise<VideoStreamParameters> {
  const document = (await runFfprobeJson(['-select_streams', 'v:0', '-show_streams', '-show_data', inputPath], options)) as { streams?: ProbeStream[] };
  const stream = document.streams?.[0];
  if (!stream) throw new RedubError('E_NO_VIDEO_STREAM', { details: [`File: ${inputPath}`] });
  const timeBase = parseRational(stream.time_base);
  if (!timeBase) throw new RedubError('E_FFMPEG_FAILED', { message: 'ffprobe did not say the video stream\'s time base.', details: [`File: ${inputPath}`] });
  const known = (value: string | undefined) => (value && value !== 'unknown' ? value : null);
  const start = Number(stream.start_time);
  const sampleAspect = known(stream.sample_aspect_ratio);
  return {
    index: stream.index ?? 0,
    codec: stream.codec_name ?? 'unknown',
    profile: known(stream.profile),
    level: typeof stream.level === 'number' && stream.level > 0 ? stream.level : null,
    pixelFormat: known(stream.pix_fmt),
    width: stream.width ?? 0,
    height: stream.height ?? 0,
    timeBase,
    frameRate: parseRational(stream.r_frame_rate),
    averageFrameRate: parseRational(stream.avg_frame_rate),
    reorderDepth: stream.has_b_frames ?? 0,
    fieldOrder: known(stream.field_order),
    sampleAspectRatio: sampleAspect && sampleAspect !== '1:1' && sampleAspect !== '0:1' ? sampleAspect : null,
    colour: {
      range: known(stream.color_range),
      space: known(stream.color_space),
      transfer: known(stream.color_transfer),
      primaries: known(stream.color_primaries),
    },
    startSeconds: Number.isFinite(start) ? start : null,
    extradata: stream.extradata ? parseHexDump(stream.extradata, stream.extradata_size) : null,
  };
}

/** "30000/1001" → {30000, 1001}; null for "0/0", N/A or nonsense. */
export function parseRational(text: string | undefined): Rational | null {
  const match = /^(\d+)\/(\d+)$/.exec(text?.trim() ?? '');
  if (!match) return null;
  const numerator = Number(match[1]);
  const denominator = Number(match[2]);
  return numerator > 0 && denominator > 0 ? { numerator, denominator } : null;
}

/**
 * ffprobe's hex dump of binary data ("00000000: 0164 001e ffe1 0019 6764 001e acd9 4050  .d..")
 * back to bytes: each line is an 8-digit offset, a colon, 41 columns of hex, then the text.
 */
export function parseHexDump(dump: string, expectedSize?: number): Uint8Array | null {
  const bytes: number[] = [];
  for (const line of dump.split('\n')) {
    const match = /^[0-9a-f]{8}: /i.exec(line);
    if (!match) continue;
    const hex = line.slice(match[0].length, match[0].length + 41).replace(/\s+/g, '');
    if (!/^([0-9a-f]{2})*$/i.test(hex)) return null;
    for (let index = 0; index < hex.length; index += 2) bytes.push(parseInt(hex.slice(index, index + 2), 16));
  }
  if (bytes.length === 0 || (expectedSize !== undefined && bytes.length !== expectedSize)) return null;
  return Uint8Array.from(bytes);
}

function integerOrNull(text: string | undefined): number | null {
  if (text === undefined || !/^-?\d+$/.test(text)) return null;
  return Number(text);
}
