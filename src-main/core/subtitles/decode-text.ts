// Owns turning a subtitle file's bytes into text: a byte order mark decides when there is one
// (UTF-8, UTF-16 and UTF-32, both byte orders); else text that is valid UTF-8 is UTF-8; else the
// code page is detected (chardet) and decoded with a real table (iconv-lite), not Node's built-in
// "windows-1252", which some Node versions treat as Latin-1 and so turn “ ” – € into control
// characters. A person who knows better names the encoding and it is used as is.
import { analyse } from 'chardet';
import iconv from 'iconv-lite';
import { RedubError } from '../../shared/errors.js';

export interface DecodedText {
  text: string;
  /** The encoding the text was read as, in iconv-lite's spelling (utf-8, windows-1251, …). */
  encoding: string;
  /** How the encoding was chosen: named by the user, a byte order mark, valid UTF-8, or detected. */
  how: 'named' | 'bom' | 'utf-8' | 'detected';
  /** U+FFFD characters in the result: bytes the encoding has no character for. */
  replacements: number;
}

const byteOrderMarks: { bytes: number[]; encoding: string }[] = [
  // UTF-32LE's mark starts with UTF-16LE's, so it is tried first.
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'utf-32be' },
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'utf-32le' },
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
];

/** What detectors report that is better read as another table: Latin-1 files are Windows-1252
 * in practice (WHATWG does the same), and GB2312 is a subset of GB18030. */
const preferredTables: Record<string, string> = { 'iso-8859-1': 'windows-1252', gb2312: 'gb18030', ascii: 'utf-8' };

/** Checks an encoding name a person gave; the canonical name, or E_SUBTITLES_ENCODING. */
export function checkEncodingName(name: string): string {
  const trimmed = name.trim().toLowerCase();
  if (!trimmed || !iconv.encodingExists(trimmed)) {
    throw new RedubError('E_SUBTITLES_ENCODING', { details: [`"${name}" is not an encoding Redub can decode.`] });
  }
  return trimmed;
}

export function decodeSubtitleBytes(bytes: Buffer, named?: string | null): DecodedText {
  if (named) {
    const encoding = checkEncodingName(named);
    const mark = byteOrderMarks.find((candidate) => candidate.encoding === encoding && startsWith(bytes, candidate.bytes));
    return finish(bytes.subarray(mark?.bytes.length ?? 0), encoding, 'named');
  }
  const mark = byteOrderMarks.find((candidate) => startsWith(bytes, candidate.bytes));
  if (mark) return finish(bytes.subarray(mark.bytes.length), mark.encoding, 'bom');
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8', how: 'utf-8', replacements: 0 };
  } catch {
    return finish(bytes, detectEncoding(bytes), 'detected');
  }
}

/** The likeliest table iconv-lite has; a tie goes to the one listed first by chardet. */
function detectEncoding(bytes: Buffer): string {
  // The detector's cost grows with the input; a subtitle file's first 256 KiB say enough.
  for (const match of analyse(bytes.subarray(0, 256 * 1024))) {
    const name = match.name.toLowerCase();
    const table = preferredTables[name] ?? name;
    if (iconv.encodingExists(table)) return table;
  }
  return 'windows-1252';
}

function finish(bytes: Buffer, encoding: string, how: DecodedText['how']): DecodedText {
  const text = iconv.decode(bytes, encoding, { stripBOM: true });
  let replacements = 0;
  for (let index = text.indexOf('\uFFFD'); index !== -1; index = text.indexOf('\uFFFD', index + 1)) replacements++;
  return { text, encoding, how, replacements };
}

function startsWith(bytes: Buffer, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}
