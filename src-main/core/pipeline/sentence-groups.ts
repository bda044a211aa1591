// Owns translating whole sentences when a sentence spans several cues ("I went to the" | "market
// yesterday."): translation models need the whole sentence, and word order changes across
// languages. Cues are grouped while a cue does not end a sentence and the next follows closely;
// the group's translation is then shared out over its cues by the length of their source text,
// at word boundaries (characters for scripts written without spaces).
import { spokenText } from '../subtitles/cue-text.js';
import type { TimedText } from './align-cues.js';

export interface GroupOptions {
  /** A longer pause ends the sentence even without punctuation. */
  maxGapMs?: number;
  maxCues?: number;
  maxChars?: number;
}

const defaults: Required<GroupOptions> = { maxGapMs: 1_000, maxCues: 4, maxChars: 400 };

/** Sentence-final punctuation, with closing quotes or brackets after it, in the scripts Redub meets. */
const sentenceEnd = /[.!?…。！？؟।]["'»”’)\]]*$/u;

/** Runs of consecutive cue indexes that form one sentence each (most runs have one cue). */
export function sentenceGroups(cues: readonly TimedText[], options: GroupOptions = {}): number[][] {
  const { maxGapMs, maxCues, maxChars } = { ...defaults, ...options };
  const groups: number[][] = [];
  cues.forEach((cue, index) => {
    const group = groups.at(-1);
    const previous = index > 0 ? cues[index - 1]! : null;
    const continues =
      group !== undefined &&
      previous !== null &&
      !sentenceEnd.test(previous.text.trim()) &&
      previous.text.trim() !== '' &&
      cue.text.trim() !== '' &&
      cue.startMs - previous.endMs <= maxGapMs &&
      // A cue that starts before the previous one ends is another voice, not the same sentence.
      cue.startMs >= previous.endMs &&
      (cue as { speaker?: string }).speaker === (previous as { speaker?: string }).speaker &&
      group.length < maxCues &&
      group.reduce((sum, member) => sum + cues[member]!.text.length, 0) + cue.text.length <= maxChars;
    if (continues) group.push(index);
    else groups.push([index]);
  });
  return groups;
}

/** Scripts written without spaces between words: a translation in them is shared out by character. */
const unspacedScript = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** The group's source texts joined as one sentence. */
export function joinGroup(texts: readonly string[]): string {
  return texts.map((text) => spokenText(text)).filter(Boolean).join(' ');
}

/**
 * Shares `translation` out over cues in proportion to their source texts' lengths, at word
 * boundaries; every cue gets at least one word while there are words enough.
 */
export function splitTranslation(translation: string, sourceTexts: readonly string[]): string[] {
  if (sourceTexts.length <= 1) return [translation.trim()];
  const trimmed = translation.trim();
  const spaced = /\s/.test(trimmed) || !unspacedScript.test(trimmed);
  const units = trimmed === '' ? [] : spaced ? trimmed.split(/\s+/) : [...trimmed];
  const weights = sourceTexts.map((text) => Math.max(1, text.trim().length));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const parts: string[][] = sourceTexts.map(() => []);
  let cumulative = 0;
  let next = 0;
  for (const [cue, weight] of weights.entries()) {
    cumulative += weight;
    if (cue === sourceTexts.length - 1) {
      parts[cue] = units.slice(next);
      break;
    }
    // This cue's share, at least one unit while any is left, leaving one for each later cue
    // while there are enough.
    const reserve = Math.max(0, Math.min(sourceTexts.length - cue - 1, units.length - next - 1));
    const share = Math.round((units.length * cumulative) / total);
    const end = Math.min(Math.max(share, Math.min(next + 1, units.length)), units.length - reserve);
    parts[cue] = units.slice(next, Math.max(next, end));
    next = Math.max(next, end);
  }
  return parts.map((words) => words.join(spaced ? ' ' : ''));
}
