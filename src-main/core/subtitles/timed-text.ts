// Owns reading SRT and WebVTT text into cues, line by line, with every line accounted for: each
// cue in the file is read, or named in a warning with its line number and why it was not. Blocks
// are separated by blank lines; a timing line starts a cue even without a blank line before it
// (two timing lines in a row, or a missing blank line between cues), and a line that looks like
// a timing line but cannot be read skips its cue — it is never taken for words to speak.
// WebVTT follows the W3C's parsing rules (header, NOTE/STYLE/REGION blocks, identifiers, cue
// settings, timestamps without hours); SRT is read as tolerantly as its meaning allows.
import { cleanCueText, voiceOf } from './cue-text.js';
import { looksLikeTiming as looksLikeTimingAsWritten, readSrtTiming, readVttTiming, type Timing } from './timing-line.js';
import type { SubtitleCue, SubtitleWarning } from './subtitle-types.js';

interface Line {
  text: string;
  /** 1-based, as an editor shows it. */
  number: number;
}

export interface TimedTextResult {
  cues: SubtitleCue[];
  warnings: SubtitleWarning[];
}

/** A timing line as written, or one that markup hides (`00:00:03,000 --< /i >> 00:00:04,000`):
 * either way it must not be spoken. */
function looksLikeTiming(line: string): boolean {
  return looksLikeTimingAsWritten(line) || (/[<{]/.test(line) && looksLikeTimingAsWritten(cleanCueText(line)));
}

export function parseTimedText(text: string, format: 'srt' | 'vtt'): TimedTextResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).map((line, index) => ({ text: line, number: index + 1 }));
  const warnings: SubtitleWarning[] = [];
  const cues: SubtitleCue[] = [];
  const readTiming = format === 'vtt' ? readVttTiming : readSrtTiming;
  let position = 0;

  if (format === 'vtt') {
    const first = lines[0]?.text ?? '';
    if (/^WEBVTT(?:[ \t]|$)/.test(first)) {
      // The header runs to the first blank line; a cue right after it (no blank line) still counts.
      position = 1;
      while (position < lines.length && lines[position]!.text.trim() !== '' && !lines[position]!.text.includes('-->')) position++;
    } else {
      warnings.push({ line: 1, message: 'The file does not start with "WEBVTT"; it is read as WebVTT anyway.' });
    }
  }

  // The cue being collected, and what was last seen, to tell identifiers from continued text.
  let current: { timing: Timing | null; timingLine: Line; textLines: Line[]; raw: string[] } | null = null;
  let afterBlank = true;
  const finish = () => {
    if (current) addCue(current, cues, warnings);
    current = null;
  };

  while (position < lines.length) {
    const line = lines[position]!;
    position++;
    if (line.text.trim() === '') {
      afterBlank = true;
      continue;
    }
    if (format === 'vtt' && afterBlank && /^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(line.text)) {
      finish();
      while (position < lines.length && lines[position]!.text.trim() !== '') position++;
      continue;
    }
    const next = lines[position];
    if (looksLikeTiming(line.text)) {
      finish();
      current = { timing: readTiming(line.text), timingLine: line, textLines: [], raw: [] };
      afterBlank = false;
      continue;
    }
    // A line followed by a timing line is that cue's identifier (a number in SRT, any text
    // without "-->" in WebVTT), whether or not a blank line came before it.
    const isNumber = /^\d+$/.test(line.text.trim());
    if (next && next.text.trim() !== '' && looksLikeTiming(next.text) && (format === 'vtt' ? afterBlank : isNumber)) {
      afterBlank = false;
      continue;
    }
    // A number after a blank line starts a cue; one whose timing line is missing is a broken cue.
    const startsBlock = afterBlank && isNumber && next !== undefined && next.text.trim() !== '';
    if (current && (!afterBlank || (format === 'srt' && !startsBlock))) {
      // Text after a blank line inside an SRT cue is still that cue's: a blank line is how some
      // editors write an empty line between its two halves. WebVTT ends the cue at a blank line.
      current.textLines.push(line);
      current.raw.push(line.text);
    } else {
      finish();
      const block = [line];
      while (position < lines.length && lines[position]!.text.trim() !== '' && !looksLikeTiming(lines[position]!.text)) block.push(lines[position++]!);
      const isIndex = isNumber;
      const reason = isIndex && block[1] ? `cannot read the timing line "${block[1].text.trim()}"` : cues.length === 0 ? 'text before the first cue (a title or credit line?)' : 'text without a timing line';
      warnings.push({ line: (isIndex && block[1] ? block[1] : line).number, message: `Skipped ${block.length} line(s): ${reason}.` });
    }
    afterBlank = false;
  }
  finish();
  return { cues, warnings };
}

function addCue(collected: { timing: Timing | null; timingLine: Line; textLines: Line[]; raw: string[] }, cues: SubtitleCue[], warnings: SubtitleWarning[]): void {
  const { timing, timingLine } = collected;
  const quoted = `"${timingLine.text.trim().slice(0, 80)}"`;
  if (!timing) {
    warnings.push({ line: timingLine.number, message: `Skipped a cue: cannot read the timing line ${quoted}${collected.textLines.length ? `; its text was not used` : ''}.` });
    return;
  }
  const raw = collected.raw.join('\n');
  const text = cleanCueText(raw);
  if (!text) {
    warnings.push({ line: timingLine.number, message: `Skipped a cue with no text (timing ${quoted}).` });
    return;
  }
  if (timing.endMs === timing.startMs) {
    warnings.push({ line: timingLine.number, message: `Skipped a cue that lasts no time (timing ${quoted}).` });
    return;
  }
  if (timing.endMs < timing.startMs) {
    warnings.push({ line: timingLine.number, message: `Skipped a cue that ends before it starts (timing ${quoted}).` });
    return;
  }
  const speaker = voiceOf(raw);
  cues.push({ startMs: timing.startMs, endMs: timing.endMs, text, ...(speaker ? { speaker } : {}), line: timingLine.number });
}
