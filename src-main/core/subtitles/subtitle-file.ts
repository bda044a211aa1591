// Owns the one way a subtitle file becomes cues — the dub's import, `redub cues import` and
// `redub subtitles inspect` all come through here: a bounded read of a regular file, its
// encoding, its format (by extension, or by what the text says it is), the cues sorted by start
// with overlapping ones all kept and flagged (two speakers, a top and a bottom caption), and
// every line that did not become a cue named in a warning.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { RedubError } from '../../shared/errors.js';
import { checkInputFile, readInputFile } from '../files/input-files.js';
import { parseAss, type AssStyleSheet } from './ass.js';
import { decodeSubtitleBytes, type DecodedText } from './decode-text.js';
import { parseTimedText } from './timed-text.js';
import type { SubtitleCue, SubtitleFormat, SubtitleWarning } from './subtitle-types.js';

export interface ReadCue extends SubtitleCue {
  /** Another cue of the file shows at the same time. */
  overlaps: boolean;
}

export interface ReadSubtitles {
  format: SubtitleFormat;
  encoding: string;
  encodingHow: DecodedText['how'];
  cues: ReadCue[];
  warnings: SubtitleWarning[];
  /** An ASS file's info and styles, for an ASS export. */
  styleSheet: AssStyleSheet | null;
  /** The file's bytes' hash: its identity in cache keys. */
  sha256: string;
}

const formatsByExtension: Record<string, SubtitleFormat> = { '.srt': 'srt', '.vtt': 'vtt', '.ass': 'ass', '.ssa': 'ssa' };

export async function loadSubtitleFile(filePath: string, kind: 'subtitles' | 'translation' = 'subtitles', encoding?: string | null): Promise<ReadSubtitles> {
  checkInputFile(filePath, kind);
  const extension = path.extname(filePath).toLowerCase();
  const format = formatsByExtension[extension];
  if (!format) {
    throw new RedubError('E_SUBTITLES_FORMAT', { details: [`File: ${filePath}`, `Files ending in "${extension || '(no extension)'}" are not read; use .srt, .vtt, .ass or .ssa.`] });
  }
  return readSubtitleBytes(await readInputFile(filePath, kind), format, `File: ${filePath}`, encoding);
}

/** Reads a file's bytes as `format` (the text may say it is another: a WebVTT file named .srt). */
export function readSubtitleBytes(bytes: Buffer, format: SubtitleFormat, fileDetail = 'Subtitles', encoding?: string | null): ReadSubtitles {
  const decoded = decodeSubtitleBytes(bytes, encoding);
  const actual = formatOfText(decoded.text) ?? format;
  const parsed = actual === 'ass' || actual === 'ssa' ? parseAss(decoded.text) : { ...parseTimedText(decoded.text, actual), styleSheet: null };
  const warnings: SubtitleWarning[] = [];
  if (actual !== format) warnings.push({ line: 1, message: `The file is named as ${format.toUpperCase()} but is ${actual.toUpperCase()}; it is read as ${actual.toUpperCase()}.` });
  if (decoded.replacements > 0) {
    warnings.push({ line: null, message: `${decoded.replacements} character(s) could not be decoded as ${decoded.encoding} and show as "\uFFFD"; if the text looks wrong, name the file's encoding.` });
  }
  warnings.push(...parsed.warnings);
  if (parsed.cues.length === 0) {
    const reasons = parsed.warnings.slice(0, 5).map((warning) => (warning.line === null ? warning.message : `Line ${warning.line}: ${warning.message}`));
    throw new RedubError('E_SUBTITLES_INVALID', { details: [fileDetail, `It has no timed lines with text (read as ${actual.toUpperCase()} in ${decoded.encoding}).`, ...reasons] });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { format: actual, encoding: decoded.encoding, encodingHow: decoded.how, cues: flagOverlaps(parsed.cues), warnings, styleSheet: parsed.styleSheet, sha256 };
}

/** The format the text itself declares: a WEBVTT header, or an ASS/SSA script's sections. */
function formatOfText(text: string): SubtitleFormat | null {
  const start = text.replace(/^\uFEFF/, '').trimStart().slice(0, 2000);
  if (/^WEBVTT(?:[ \t\r\n]|$)/.test(start)) return 'vtt';
  if (/^\[Script Info\]/i.test(start)) return /ScriptType\s*:\s*v4\.00\+/i.test(start) || /\[V4\+ Styles\]/i.test(text) ? 'ass' : 'ssa';
  return null;
}

/** Sorted by start (then end), each marked when another cue shows at the same time. */
function flagOverlaps(cues: SubtitleCue[]): ReadCue[] {
  const sorted: ReadCue[] = [...cues].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs).map((cue) => ({ ...cue, overlaps: false }));
  let latest = Number.NEGATIVE_INFINITY;
  let latestIndex = 0;
  sorted.forEach((cue, index) => {
    if (cue.startMs < latest) {
      cue.overlaps = true;
      sorted[latestIndex]!.overlaps = true;
    }
    if (cue.endMs > latest) {
      latest = cue.endMs;
      latestIndex = index;
    }
  });
  return sorted;
}

/** A warning as one line of a log or a terminal. */
export function describeWarning(warning: SubtitleWarning): string {
  return warning.line === null ? warning.message : `Line ${warning.line}: ${warning.message}`;
}
