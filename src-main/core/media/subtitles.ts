// Owns reading SRT/WebVTT files into clean, ordered, non-overlapping cues, and writing them back.
// The `subtitle` package parses the grammar; this file fixes up the real-world files it rejects
// (CR line endings, VTT blocks and cue ids it does not know) and cleans what it leaves as is.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseSync, stringifySync, type NodeList } from 'subtitle';
import { RedubError } from '../../shared/errors.js';
import { checkInputFile, readInputFile } from '../files/input-files.js';

export interface SubtitleCue {
  startMs: number;
  endMs: number;
  text: string;
}

export type SubtitleFormat = 'srt' | 'vtt';

const formatsByExtension: Record<string, SubtitleFormat> = { '.srt': 'srt', '.vtt': 'vtt' };

/** Reads an .srt or .vtt file (any case) into cues sorted by start, trimmed so none overlap. */
export async function readSubtitleFile(filePath: string, kind: 'subtitles' | 'translation' = 'subtitles'): Promise<SubtitleCue[]> {
  return (await loadSubtitleFile(filePath, kind)).cues;
}

/** The cues and a hash of the file's bytes (its identity in cache keys), from one bounded read. */
export async function loadSubtitleFile(filePath: string, kind: 'subtitles' | 'translation' = 'subtitles'): Promise<{ cues: SubtitleCue[]; sha256: string }> {
  const fileDetail = `File: ${filePath}`;
  checkInputFile(filePath, kind);
  const extension = path.extname(filePath).toLowerCase();
  if (!formatsByExtension[extension]) {
    throw new RedubError('E_SUBTITLES_FORMAT', { details: [fileDetail, `Files ending in "${extension || '(no extension)'}" are not read; use .srt or .vtt.`] });
  }
  const bytes = await readInputFile(filePath, kind);
  return { cues: parseSubtitles(decodeText(bytes), fileDetail), sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Parses SRT or WebVTT text (the parser tells them apart by the WEBVTT header). */
export function parseSubtitles(text: string, fileDetail = 'Subtitles'): SubtitleCue[] {
  let nodes: NodeList;
  try {
    nodes = parseSync(normalizeForParser(text));
  } catch (error) {
    // The parser counts rows after our clean-up, so quote the line rather than its number.
    const received = error instanceof UnreadableLine ? error.line : /received: "(.*)"$/.exec((error as Error).message)?.[1];
    const reason = received !== undefined ? `Cannot read the line "${received}".` : (error as Error).message;
    throw new RedubError('E_SUBTITLES_INVALID', { details: [fileDetail, reason] });
  }
  const cues: SubtitleCue[] = [];
  for (const node of nodes) {
    if (node.type !== 'cue') continue;
    const cueText = cleanCueText(node.data.text);
    if (cueText && node.data.end > node.data.start) cues.push({ startMs: node.data.start, endMs: node.data.end, text: cueText });
  }
  const ordered = removeOverlaps(cues);
  if (ordered.length === 0) throw new RedubError('E_SUBTITLES_INVALID', { details: [fileDetail, 'It has no timed lines with text.'] });
  return ordered;
}

export function formatSrt(cues: SubtitleCue[]): string {
  return stringifySync(cues.map((cue) => ({ type: 'cue', data: { start: cue.startMs, end: cue.endMs, text: cue.text } })), { format: 'SRT' });
}

export function formatVtt(cues: SubtitleCue[]): string {
  const nodes: NodeList = [{ type: 'header', data: 'WEBVTT' }];
  for (const cue of cues) nodes.push({ type: 'cue', data: { start: cue.startMs, end: cue.endMs, text: escapeVttText(cue.text) } });
  return stringifySync(nodes, { format: 'WebVTT' });
}

/** UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252, which old SRT files often are. */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

const looseTimestamp = String.raw`((?:\d+:)?\d{1,2}:\d{1,2})(?:[,.](\d{1,3}))?`;
const looseTimingLine = new RegExp(String.raw`^\s*${looseTimestamp}\s*-->\s*${looseTimestamp}(?:\s+(.*?))?\s*$`);

/** Rewrites the input into the strict shape `subtitle` parses; see the module comment. */
function normalizeForParser(text: string): string {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((line) => (line.trim() === '' ? '' : canonicalTimingLine(line) ?? line));
  const isWebVtt = /^WEBVTT\b/.test(lines.find((line) => line !== '') ?? '');

  const blocks: string[][] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (line === '') {
      if (current.length > 0) blocks.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) blocks.push(current);

  const kept: string[][] = [];
  let sawTiming = false;
  for (const [index, block] of blocks.entries()) {
    const timing = block.findIndex((line) => looseTimingLine.test(line));
    if (isWebVtt && index === 0) {
      // The header; a file that skips the blank line after it has its first cue in this block.
      kept.push(timing > 0 ? [block[0] ?? 'WEBVTT'] : block);
      if (timing > 0) kept.push(block.slice(timing));
      sawTiming ||= timing > 0;
      continue;
    }
    if (isWebVtt && /^(NOTE|STYLE|REGION)\b/.test(block[0] ?? '')) continue;
    // An index followed by something that is not a timing line is a broken cue; the parser
    // would glue it onto the previous cue's text, and a dub would speak it.
    if (timing < 0 && block.length >= 2 && /^\d+$/.test(block[0] ?? '')) throw new UnreadableLine(block[1] ?? '');
    // Text before the first cue is a title or credit line, not cue text that lost its cue.
    if (timing < 0 && !sawTiming) continue;
    sawTiming ||= timing >= 0;
    // Lines before the timing line are a cue identifier: a number in SRT, any text in VTT.
    kept.push(timing > 0 ? block.slice(timing) : block);
  }
  return kept.map((block) => block.join('\n')).join('\n\n') + '\n';
}

class UnreadableLine extends Error {
  constructor(readonly line: string) {
    super(`Cannot read the line "${line}".`);
  }
}

function canonicalTimingLine(line: string): string | null {
  const match = looseTimingLine.exec(line);
  if (!match) return null;
  const [, startClock = '', startFraction, endClock = '', endFraction, settings] = match;
  // "1,5" means 1.500 s; the parser would read it as 1.005 s.
  const timestamp = (clock: string, fraction = '') => `${clock},${fraction.padEnd(3, '0')}`;
  return `${timestamp(startClock, startFraction)} --> ${timestamp(endClock, endFraction)}${settings ? ` ${settings}` : ''}`;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', lrm: '', rlm: '' };

/** Drops formatting (HTML-ish and VTT tags, ASS override blocks) and joins lines with a space. */
function cleanCueText(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/<\/?[a-zA-Z][^<>]*>/g, '') // <i>, </b>, <font color="…">, <v Speaker>, <c.yellow>
        .replace(/<\d[\d:.]*>/g, '') // VTT karaoke timestamps <00:00:01.500>
        .replace(/\{\\[^}]*\}/g, '') // ASS overrides {\an8}, {\i1}
        .replace(/\\[Nnh]/g, ' ') // ASS hard line breaks and spaces left in converted SRT
        .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => decodeEntity(name) ?? entity)
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean)
    .join(' ');
}

function decodeEntity(name: string): string | undefined {
  if (name[0] !== '#') return entities[name.toLowerCase()];
  const codePoint = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
  return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : undefined;
}

/** Sorts by start; a cue still showing when the next starts ends there, and vanishes if that leaves nothing. */
function removeOverlaps(cues: SubtitleCue[]): SubtitleCue[] {
  const sorted = [...cues].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  for (let index = 0; index < sorted.length - 1; index++) {
    const cue = sorted[index] as SubtitleCue;
    const next = sorted[index + 1] as SubtitleCue;
    if (cue.endMs > next.startMs) cue.endMs = next.startMs;
  }
  return sorted.filter((cue) => cue.endMs > cue.startMs);
}

function escapeVttText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
