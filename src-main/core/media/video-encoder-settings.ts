// Owns choosing how re-rendered frames are encoded: which encoders this ffmpeg build has, and the
// arguments that make a re-encoded H.264 piece fit between stream-copied groups (same profile,
// level, pixel format, colour, reordering depth, keyframes where the original had them), or, for
// a whole-video re-encode, the closest match the build can make.
import { RedubError } from '../../shared/errors.js';
import { resolveMediaTools } from './ffmpeg-binaries.js';
import { linesOf, startTool } from './tool-process.js';
import type { VideoStreamParameters } from './video-packets.js';

export interface EncodeQuality {
  /** x264's preset (ultrafast … veryslow); libx265 takes the same names. */
  preset: string;
  /** Constant-quality level on x264's scale (18 ≈ visually lossless). */
  crf: number;
}

export const defaultEncodeQuality: EncodeQuality = { preset: 'medium', crf: 18 };

const cached = new Map<string, Promise<Map<string, Set<string>>>>();

/** The video encoders of the resolved ffmpeg, each with the pixel formats it takes (asked once). */
export function videoEncoders(signal?: AbortSignal): Promise<Map<string, Set<string>>> {
  const binary = resolveMediaTools().ffmpeg;
  let found = cached.get(binary);
  if (!found) {
    found = listEncoders(signal);
    cached.set(binary, found);
    found.catch(() => cached.delete(binary));
  }
  return found;
}

async function listEncoders(signal?: AbortSignal): Promise<Map<string, Set<string>>> {
  const names = (await toolOutput(['-v', 'error', '-encoders'], signal))
    .map((line) => /^\s*V[A-Z.]{5}\s+(\S+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== '=');
  const encoders = new Map<string, Set<string>>();
  for (const name of names.filter((encoder) => encoder === 'libx264' || encoder === 'libx265')) {
    const help = await toolOutput(['-v', 'error', '-h', `encoder=${name}`], signal);
    const formats = help.find((line) => /Supported pixel formats:/.test(line))?.split(':')[1]?.trim().split(/\s+/) ?? [];
    encoders.set(name, new Set(formats));
  }
  for (const name of names) if (!encoders.has(name)) encoders.set(name, new Set());
  return encoders;
}

async function toolOutput(args: string[], signal?: AbortSignal): Promise<string[]> {
  const tool = startTool('ffmpeg', args, { signal });
  const lines: string[] = [];
  for await (const line of linesOf(tool.stdout)) lines.push(line);
  await tool.done;
  return lines;
}

const x264Profiles: Record<string, string> = {
  'Baseline': 'baseline',
  'Constrained Baseline': 'baseline',
  'Main': 'main',
  'High': 'high',
  'Progressive High': 'high',
  'Constrained High': 'high',
  'High 10': 'high10',
  'High 4:2:2': 'high422',
  'High 4:4:4 Predictive': 'high444',
};

/** x264's level name for a level_idc: 31 → "3.1", 9 → "1b". */
export function levelName(levelIdc: number): string {
  return levelIdc === 9 ? '1b' : `${Math.floor(levelIdc / 10)}.${levelIdc % 10}`;
}

export interface MatchingPiece {
  /** Frames (from the piece's start) that must be keyframes: where the original's groups begin. */
  keyframes: number[];
  /** SPS/PPS id the piece's parameter sets take, one the original does not use. */
  parameterSetId: number;
  /** B-frame reordering the original's decode times show (0, 1 or 2 frames). */
  reorderFrames: number;
  /** The original's longest group, so the encoder does not add keyframes within it. */
  longestGroup: number;
}

/**
 * Encoder and muxer arguments for a re-encoded H.264 piece that the original's stream-copied
 * groups can be joined to, or the reason none can be made with this ffmpeg.
 */
export function matchingH264Arguments(
  stream: VideoStreamParameters,
  piece: MatchingPiece,
  quality: EncodeQuality,
  encoders: Map<string, Set<string>>,
): { args: string[]; reason?: undefined } | { args?: undefined; reason: string } {
  const formats = encoders.get('libx264');
  if (!formats) return { reason: 'this ffmpeg has no libx264 encoder' };
  const profile = stream.profile ? x264Profiles[stream.profile] : undefined;
  if (!profile) return { reason: `libx264 cannot encode the H.264 profile "${stream.profile ?? 'unknown'}"` };
  if (!stream.pixelFormat || !formats.has(stream.pixelFormat)) return { reason: `libx264 here cannot encode the pixel format ${stream.pixelFormat ?? 'unknown'}` };
  const bFrames = [['-bf', '0'], ['-bf', '3', '-b-pyramid', 'none'], ['-bf', '3', '-b-pyramid', 'normal']][piece.reorderFrames];
  if (!bFrames) return { reason: `the video's frames are reordered ${piece.reorderFrames} deep, more than libx264 makes` };
  const forced = piece.keyframes.map((frame) => `eq(n,${frame})`).join('+');
  return {
    args: [
      ...pictureArguments(stream, stream.pixelFormat),
      '-c:v', 'libx264', '-preset', quality.preset, '-crf', String(quality.crf),
      '-profile:v', profile,
      ...(stream.level ? ['-level', levelName(stream.level)] : []),
      ...bFrames,
      '-g', String(Math.max(1, piece.longestGroup)),
      '-force_key_frames', `expr:${forced || 'eq(n,0)'}`, '-forced-idr', '1',
      '-x264-params', `sps-id=${piece.parameterSetId}`,
      // The piece's own SPS and PPS in front of each of its keyframes: the joined file's header
      // is the original's, and the copied groups go on using the original's sets.
      '-bsf:v', 'dump_extra',
      '-an', '-sn', '-dn', '-f', 'mp4', '-video_track_timescale', String(stream.timeBase.denominator),
    ],
  };
}

/**
 * Arguments for re-encoding the whole video: the input's codec where this build has its encoder
 * (libx264 for H.264, libx265 for HEVC), else H.264; the input's pixel format where the encoder
 * takes it, else 4:2:0. Also says which encoder it chose, for the log.
 */
export function wholeVideoArguments(stream: VideoStreamParameters, quality: EncodeQuality, encoders: Map<string, Set<string>>): { args: string[]; encoder: string } {
  const hevc = stream.codec === 'hevc' && encoders.has('libx265');
  const encoder = hevc ? 'libx265' : 'libx264';
  const formats = encoders.get(encoder);
  if (!formats) throw new RedubError('E_FFMPEG_FAILED', { message: 'This ffmpeg has no H.264 encoder (libx264), so the video cannot be re-encoded.', details: [resolveMediaTools().ffmpeg] });
  const pixelFormat = stream.pixelFormat && formats.has(stream.pixelFormat) ? stream.pixelFormat : 'yuv420p';
  const profile = stream.codec === 'h264' && stream.profile ? x264Profiles[stream.profile] : undefined;
  const keepsProfile = !hevc && profile !== undefined && pixelFormat === stream.pixelFormat;
  return {
    encoder,
    args: [
      ...pictureArguments(stream, pixelFormat),
      '-c:v', encoder, '-preset', quality.preset,
      // x265's scale sits about five steps above x264's for the same look.
      '-crf', String(hevc ? quality.crf + 4 : quality.crf),
      ...(keepsProfile ? ['-profile:v', profile!, ...(stream.level ? ['-level', levelName(stream.level)] : [])] : []),
      ...(hevc ? ['-tag:v', 'hvc1'] : []),
      '-an', '-sn', '-dn', '-f', 'mp4', '-video_track_timescale', String(stream.timeBase.denominator),
    ],
  };
}

const colourMatrices: Record<string, string> = { bt709: 'bt709', smpte170m: 'bt601', bt470bg: 'bt601', smpte240m: 'smpte240m', fcc: 'fcc', bt2020nc: 'bt2020', bt2020c: 'bt2020' };

/**
 * The RGB → YUV conversion and the colour tags of the original: readFrames' decode took the
 * matrix and range from the frames' own tags, so encoding back with the same ones keeps colours.
 */
function pictureArguments(stream: VideoStreamParameters, pixelFormat: string): string[] {
  const { colour } = stream;
  const matrix = colour.space ? colourMatrices[colour.space] : undefined;
  const scale = [matrix && `out_color_matrix=${matrix}`, colour.range && `out_range=${colour.range === 'pc' ? 'full' : 'tv'}`].filter(Boolean).join(':');
  const filters = [scale ? `scale=${scale}` : null, stream.sampleAspectRatio ? `setsar=${stream.sampleAspectRatio.replace(':', '/')}` : null, `format=${pixelFormat}`];
  return [
    '-vf', filters.filter(Boolean).join(','),
    ...(colour.space ? ['-colorspace', colour.space] : []),
    ...(colour.primaries ? ['-color_primaries', colour.primaries] : []),
    ...(colour.transfer ? ['-color_trc', colour.transfer] : []),
    ...(colour.range ? ['-color_range', colour.range] : []),
  ];
}
