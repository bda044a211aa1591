// Owns a stage's reading of the user's subtitle or translation file: the same read as
// `redub subtitles inspect` (subtitles/subtitle-file.ts), refused if the file changed since the
// job was queued, with what the job log must say — the format and encoding used, how many cues
// overlap, and every line that did not become a cue.
import type { AssStyleSheet } from '../subtitles/ass.js';
import { describeWarning, loadSubtitleFile } from '../subtitles/subtitle-file.js';
import type { SubtitleCue } from '../subtitles/subtitle-types.js';
import { RedubError } from '../../shared/errors.js';

/** An ASS file's styles and, per cue, the style and speaker it had: what an ASS export keeps. */
export interface StyledCues {
  styleSheet: AssStyleSheet;
  cues: { startMs: number; endMs: number; style?: string; speaker?: string }[];
}

export interface ImportedSubtitles {
  cues: SubtitleCue[];
  styled: StyledCues | null;
}

/** More warnings than this go to the log as a count; `redub subtitles inspect` lists them all. */
const loggedWarnings = 50;

export async function importSubtitles(
  file: string,
  expectedHash: string,
  kind: 'subtitles' | 'translation',
  encoding: string | null,
  log: (level: 'info' | 'warn', message: string) => void,
): Promise<ImportedSubtitles> {
  const read = await loadSubtitleFile(file, kind, encoding);
  if (read.sha256 !== expectedHash) throw new RedubError('E_INPUT_CHANGED', { details: [`File: ${file}`] });
  const how = { named: 'as named', bom: 'by its byte order mark', 'utf-8': 'valid UTF-8', detected: 'detected' }[read.encodingHow];
  const overlapping = read.cues.filter((cue) => cue.overlaps).length;
  log('info', `Read ${read.cues.length} ${kind === 'subtitles' ? 'source' : 'translated'} cues from ${file} (${read.format.toUpperCase()}, ${read.encoding}, ${how})${overlapping > 0 ? `; ${overlapping} overlap another cue and are all kept` : ''}.`);
  for (const warning of read.warnings.slice(0, loggedWarnings)) log('warn', `${file}: ${describeWarning(warning)}`);
  if (read.warnings.length > loggedWarnings) log('warn', `${file}: ${read.warnings.length - loggedWarnings} more warning(s); \`redub subtitles inspect\` lists them all.`);
  const cues = read.cues.map(({ startMs, endMs, text, speaker, style }) => ({ startMs, endMs, text, ...(speaker ? { speaker } : {}), ...(style ? { style } : {}) }));
  const styled = read.styleSheet ? { styleSheet: read.styleSheet, cues: cues.map(({ startMs, endMs, style, speaker }) => ({ startMs, endMs, style, speaker })) } : null;
  return { cues, styled };
}
