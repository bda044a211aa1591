// Owns the glossary: terms the user fixes ("Redub" stays "Redub", "sword" is always "espada").
// Before translation each source term (whole words, any case) is replaced by its fixed target
// term, which translation models tend to carry through as a name; after translation each cue is
// checked, and a term that did not survive is reported so the user can fix that line by hand.

import type { GlossaryEntry } from '../../../shared/glossary.js';

export interface GlossaryApplied {
  text: string;
  /** The target terms this text must contain after translation. */
  expected: string[];
}

export function applyGlossary(text: string, glossary: readonly GlossaryEntry[]): GlossaryApplied {
  let result = text;
  const expected: string[] = [];
  // Longest terms first, so "New York City" wins over "New York".
  for (const entry of [...glossary].sort((a, b) => b.source.length - a.source.length)) {
    const pattern = termPattern(entry.source);
    if (!pattern.test(result)) continue;
    result = result.replace(pattern, (_match, before: string) => `${before}${entry.target}`);
    expected.push(entry.target);
  }
  return { text: result, expected };
}

/** The expected target terms missing from a translation (case-insensitive). */
export function missingTerms(translation: string, expected: readonly string[]): string[] {
  const lower = translation.toLocaleLowerCase();
  return expected.filter((term) => !lower.includes(term.toLocaleLowerCase()));
}

/** A whole-word, case-insensitive match; "word" edges are letters and digits in any script. */
function termPattern(term: string): RegExp {
  const escaped = term.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu');
}
