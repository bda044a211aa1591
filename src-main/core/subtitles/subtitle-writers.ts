// Owns writing cues as subtitle files: SRT and WebVTT through the `subtitle` package (ASS is
// ass.ts's). A cue's line breaks stay line breaks; WebVTT's text is escaped.
import { stringifySync, type NodeList } from 'subtitle';

export interface WrittenCue {
  startMs: number;
  endMs: number;
  text: string;
}

export function formatSrt(cues: readonly WrittenCue[]): string {
  return stringifySync(cues.map((cue) => ({ type: 'cue', data: { start: cue.startMs, end: cue.endMs, text: cue.text } })), { format: 'SRT' });
}

export function formatVtt(cues: readonly WrittenCue[]): string {
  const nodes: NodeList = [{ type: 'header', data: 'WEBVTT' }];
  for (const cue of cues) nodes.push({ type: 'cue', data: { start: cue.startMs, end: cue.endMs, text: escapeVttText(cue.text) } });
  return stringifySync(nodes, { format: 'WebVTT' });
}

function escapeVttText(text: string): string {
  // A line holding "-->" would end the cue for a WebVTT reader: its arrow is written as "→".
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/--&gt;/g, '→');
}
