// Owns what a cue's text is once its markup is gone: the words of each line, the lines kept apart
// with "\n" (they stay line breaks in the exported subtitles), and the speech form, where the
// lines are one sentence. Markup is what subtitle editors write: HTML-like tags (also with stray
// spaces, `< i>`, `< /  i >`), WebVTT's class, voice and timestamp tags, ASS override blocks.

/** The tags SRT and WebVTT files carry; only these are markup, so "3 < 4 and 5 > 2" stays text. */
const tagNames = 'i|b|u|s|em|strong|font|c|v|lang|ruby|rt|span|br|sub|sup';
const tag = new RegExp(String.raw`<\s*\/?\s*(?:${tagNames})(?=[\s.>/])[^<>]*>`, 'gi');
const lineBreakTag = /<\s*br\s*\/?\s*>/gi;
const voiceTag = /^\s*<\s*v(?:\.[\w.-]+)?\s+([^<>]+?)\s*>/i;
const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', lrm: '', rlm: '' };

/** The cue's text without markup: one entry per line that has words. */
export function cleanCueLines(raw: string): string[] {
  return raw
    .replace(lineBreakTag, '\n')
    .replace(/\\N/g, '\n') // ASS's hard line break, often left in converted SRT
    .split(/\r\n|\r|\n/)
    .map((line) =>
      line
        .replace(tag, '')
        .replace(/<\d[\d:.]*>/g, '') // WebVTT karaoke timestamps <00:00:01.500>
        .replace(/\{\s*\\[^{}]*\}/g, '') // ASS override blocks {\an8}, {\i1}, { \pos(1,2)}; [^{}] keeps it linear
        .replace(/\\[nh]/g, ' ') // ASS soft line break and hard space
        .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => decodeEntity(name) ?? entity)
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean);
}

/** The cue's text as stored: its lines joined with "\n". */
export function cleanCueText(raw: string): string {
  return cleanCueLines(raw).join('\n');
}

/** The speaker a WebVTT cue names with a voice span (`<v Roger>Hello`), if any. */
export function voiceOf(raw: string): string | undefined {
  const name = voiceTag.exec(raw)?.[1]?.trim();
  return name ? name : undefined;
}

/** What a voice speaks and a translator reads: the lines as one run of words. */
export function spokenText(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function decodeEntity(name: string): string | undefined {
  if (name[0] !== '#') return entities[name.toLowerCase()];
  const codePoint = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
  return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : undefined;
}
