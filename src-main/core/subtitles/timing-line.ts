// Owns reading a cue's timing line. SRT has no grammar anyone follows, so its reading is
// tolerant where the meaning is clear: the arrow variants other parsers accept (`->`, `- >`,
// `-- >`, `–>`, `→`), full-width digits and punctuation (`００：００：０１，０００`), a dot or a
// colon before the milliseconds, one to three digits of them ("1,5" is 1.500 s), and no hours.
// WebVTT's is the W3C's: `[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt [settings]`, anything else fails.
// A line that looks like a timing line but is not one is reported as such, so it is never
// taken for a cue's words.

export interface Timing {
  startMs: number;
  endMs: number;
  /** What follows the end time (WebVTT cue settings, SRT's X1: Y1: coordinates). */
  settings: string;
}

const srtTimestamp = String.raw`(\d+)\s*:\s*(\d{1,2})(?:\s*:\s*(\d{1,2}))?(?:\s*[,.:]\s*(\d{1,3}))?`;
const srtArrow = String.raw`\s*(?:-{1,2}\s?>|[–—]\s?>|→|=>)\s*`;
const srtTiming = new RegExp(String.raw`^\s*${srtTimestamp}${srtArrow}${srtTimestamp}(?:\s+(.*?))?\s*$`);
/** Two clock readings around something arrow-like: a timing line, even when it cannot be read. */
const timingLike = /\d\s*:\s*\d.*(?:-\s*-?\s*>|[–—]\s*>|→|=>).*\d\s*:\s*\d|^[\d:,.\s]*->[\d:,.\s]*$/;

/** Longer than any timing line with settings; longer lines are not read as one (the patterns
 * above would take quadratic time on a long line of digits and colons). */
const timingLineLimit = 256;

/** Reads an SRT timing line, or null when the line is not one. */
export function readSrtTiming(line: string): Timing | null {
  if (line.length > timingLineLimit) return null;
  const match = srtTiming.exec(line.normalize('NFKC'));
  if (!match) return null;
  const start = clockMs(match[1]!, match[2]!, match[3], match[4]);
  const end = clockMs(match[5]!, match[6]!, match[7], match[8]);
  if (start === null || end === null) return null;
  return { startMs: start, endMs: end, settings: match[9] ?? '' };
}

/** Reads a WebVTT timing line by the W3C's rules ("collect WebVTT cue timings and settings"). */
export function readVttTiming(line: string): Timing | null {
  const cursor = { line, position: 0 };
  const start = vttTimestamp(cursor);
  if (start === null) return null;
  skipWhitespace(cursor);
  if (!line.startsWith('-->', cursor.position)) return null;
  cursor.position += 3;
  skipWhitespace(cursor);
  const end = vttTimestamp(cursor);
  if (end === null) return null;
  // Whatever follows is parsed as settings, and settings it does not know are ignored.
  return { startMs: start, endMs: end, settings: line.slice(cursor.position).trim() };
}

/** True for a line meant as a timing line, whether or not it can be read. */
export function looksLikeTiming(line: string): boolean {
  if (line.includes('-->')) return true;
  if (line.length > timingLineLimit) return false;
  // Full-width digits and colons are the same clock to a reader.
  return /[\d０-９]/.test(line) && timingLike.test(line.normalize('NFKC'));
}

/** `h:mm:ss.fff` or `mm:ss.fff` in SRT's loose reading; null for minutes or seconds past 59. */
function clockMs(first: string, second: string, third: string | undefined, fraction: string | undefined): number | null {
  const [hours, minutes, seconds] = third === undefined ? [0, Number(first), Number(second)] : [Number(first), Number(second), Number(third)];
  if (minutes > 59 || seconds > 59) return null;
  const milliseconds = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0'));
  const total = ((hours * 60 + minutes) * 60 + seconds) * 1000 + milliseconds;
  return Number.isSafeInteger(total) ? total : null;
}

function vttTimestamp(cursor: { line: string; position: number }): number | null {
  const digits = () => {
    const match = /^\d+/.exec(cursor.line.slice(cursor.position));
    if (!match) return null;
    cursor.position += match[0].length;
    return match[0];
  };
  const expect = (character: string) => {
    if (cursor.line[cursor.position] !== character) return false;
    cursor.position++;
    return true;
  };
  const first = digits();
  if (first === null) return null;
  const hoursFirst = first.length !== 2 || Number(first) > 59;
  if (!expect(':')) return null;
  const second = digits();
  if (second === null || second.length !== 2) return null;
  let hours = 0;
  let minutes = Number(first);
  let seconds = Number(second);
  if (hoursFirst || cursor.line[cursor.position] === ':') {
    if (!expect(':')) return null;
    const third = digits();
    if (third === null || third.length !== 2) return null;
    [hours, minutes, seconds] = [Number(first), Number(second), Number(third)];
  }
  if (!expect('.')) return null;
  const fraction = digits();
  if (fraction === null || fraction.length !== 3) return null;
  if (minutes > 59 || seconds > 59) return null;
  const total = ((hours * 60 + minutes) * 60 + seconds) * 1000 + Number(fraction);
  return Number.isSafeInteger(total) ? total : null;
}

function skipWhitespace(cursor: { line: string; position: number }): void {
  while (cursor.position < cursor.line.length && /[ \t]/.test(cursor.line[cursor.position]!)) cursor.position++;
}
