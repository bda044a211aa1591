// Owns ASS/SSA, the format fansub and anime editors write, through ass-compiler: each Dialogue
// event is a cue (its name/actor field the speaker, its style kept for an ASS export); Comment
// events are notes, not lines; drawings (`{\p1}m 0 0 l …`) are shapes, not words. An export
// keeps the script's info and styles and writes one Dialogue event per dubbed cue.
import { parse, stringify, type ParsedASS } from 'ass-compiler';
import { cleanCueText } from './cue-text.js';
import type { SubtitleCue, SubtitleWarning } from './subtitle-types.js';

type AssEvent = ParsedASS['events']['dialogue'][number];

const eventLineLimit = 16_384;

/** What an ASS export needs of the file the cues came from. */
export interface AssStyleSheet {
  info: ParsedASS['info'];
  styles: ParsedASS['styles'];
  eventFormat: string[];
}

export function parseAss(text: string): { cues: SubtitleCue[]; warnings: SubtitleWarning[]; styleSheet: AssStyleSheet | null } {
  const warnings: SubtitleWarning[] = [];
  // ass-compiler takes quadratic time on an event line full of unclosed "{": lines longer than
  // any real event (a karaoke line with tags is a few thousand characters) are left out first.
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((line, index) => {
    if (line.length > eventLineLimit && /^\s*(?:Dialogue|Comment)\s*:/i.test(line)) {
      warnings.push({ line: index + 1, message: `Skipped an event line of ${line.length} characters (more than ${eventLineLimit}).` });
      lines[index] = '';
    }
  });
  const source = lines.join('\n');
  let document: ParsedASS;
  try {
    document = parse(source);
  } catch (error) {
    return { cues: [], warnings: [...warnings, { line: null, message: `The ASS/SSA structure cannot be read (${(error as Error).message}).` }], styleSheet: null };
  }
  // ass-compiler gives no line numbers: the Dialogue lines are found again, in the same order.
  const dialogueLines = lines.flatMap((line, index) => (/^\s*Dialogue\s*:/i.test(line) ? [index + 1] : []));
  const cues: SubtitleCue[] = [];
  document.events.dialogue.forEach((event, position) => {
    const line = dialogueLines[position] ?? null;
    try {
      const cue = cueOf(event, line, warnings);
      if (cue) cues.push(cue);
    } catch {
      // A script whose Format line lacks a field the event needs (no Text, no Start).
      warnings.push({ line, message: 'Skipped a Dialogue event that cannot be read against the [Events] Format line.' });
    }
  });
  if (document.events.comment.length > 0) {
    warnings.push({ line: null, message: `Left out ${document.events.comment.length} Comment event(s): they are notes, not lines to speak.` });
  }
  if (dialogueLines.length > document.events.dialogue.length) {
    warnings.push({ line: dialogueLines[document.events.dialogue.length] ?? null, message: `Skipped ${dialogueLines.length - document.events.dialogue.length} Dialogue line(s) that cannot be read.` });
  }
  return { cues, warnings, styleSheet: { info: document.info, styles: document.styles, eventFormat: document.events.format } };
}

function cueOf(event: AssEvent, line: number | null, warnings: SubtitleWarning[]): SubtitleCue | null {
  const startMs = Math.round(event.Start * 1000);
  const endMs = Math.round(event.End * 1000);
  const parts = event.Text?.parsed ?? [];
  const words = parts.filter((part) => !part.drawing?.length).map((part) => part.text ?? '').join('');
  const text = cleanCueText(words);
  const isDrawing = parts.some((part) => part.drawing?.length > 0);
  if (!text) {
    warnings.push({ line, message: isDrawing ? 'Skipped a drawing: it has no words to speak.' : 'Skipped a Dialogue event with no text.' });
    return null;
  }
  if (startMs < 0) {
    warnings.push({ line, message: 'Skipped a Dialogue event that starts before the video does.' });
    return null;
  }
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || endMs <= startMs) {
    warnings.push({ line, message: endMs === startMs ? 'Skipped a Dialogue event that lasts no time.' : 'Skipped a Dialogue event whose times cannot be read or that ends before it starts.' });
    return null;
  }
  const speaker = typeof event.Name === 'string' ? event.Name.trim() : '';
  const style = typeof event.Style === 'string' ? event.Style.trim() : '';
  return { startMs, endMs, text, ...(speaker ? { speaker } : {}), ...(style ? { style } : {}), ...(line !== null ? { line } : {}) };
}

/** An ASS script with the style sheet's info and styles and one Dialogue event per cue. */
export function formatAss(cues: readonly SubtitleCue[], styleSheet: AssStyleSheet): string {
  const styleNames = new Set(styleSheet.styles.style.map((style) => style.Name));
  const fallbackStyle = styleSheet.styles.style[0]?.Name ?? 'Default';
  const dialogue = cues.map((cue) => ({
    Layer: 0,
    Start: cue.startMs / 1000,
    End: cue.endMs / 1000,
    Style: cue.style && styleNames.has(cue.style) ? cue.style : fallbackStyle,
    Name: (cue.speaker ?? '').replace(/,/g, ' '),
    MarginL: 0,
    MarginR: 0,
    MarginV: 0,
    Effect: null,
    // Override blocks start with "{": a literal one in the text is kept from being read as one.
    Text: { raw: '', combined: '', parsed: [{ tags: [], text: assText(cue.text), drawing: [] }] },
  }));
  const document = { info: styleSheet.info, styles: styleSheet.styles, events: { format: styleSheet.eventFormat, comment: [], dialogue } } as unknown as ParsedASS;
  return stringify(document);
}

function assText(text: string): string {
  return text.replace(/\{/g, '(').replace(/\}/g, ')').replace(/\r?\n/g, '\\N');
}
