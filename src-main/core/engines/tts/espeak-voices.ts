// Owns choosing an eSpeak NG voice for a language code, from the voice list eSpeak reports.

import type { EspeakVoice } from './espeak-voice-table.js';
import { RedubError } from '../../../shared/errors.js';

/**
 * Exact language tag first ('es-MX' → roa/es-419, which lists es-mx), then the base language
 * ('es-AR' → roa/es). Among voices listing the tag, eSpeak's priority decides (lower is better),
 * then eSpeak's own list order, so 'en' gives gmw/en and 'zh' gives Mandarin.
 */
export function pickEspeakVoice(voices: readonly EspeakVoice[], language: string): string | null {
  const tag = language.trim().toLowerCase().replaceAll('_', '-');
  if (tag === '') return null;
  const base = tag.split('-')[0]!;
  for (const candidate of tag === base ? [tag] : [tag, base]) {
    let best: { identifier: string; priority: number } | null = null;
    for (const voice of voices) {
      for (const entry of voice.languages) {
        if (entry.name.toLowerCase() !== candidate) continue;
        if (!best || entry.priority < best.priority) best = { identifier: voice.identifier, priority: entry.priority };
      }
    }
    if (best) return best.identifier;
  }
  return null;
}

/**
 * eSpeak NG's voice variants (its espeak-ng-data/voices/!v files): the same language with another
 * pitch, formants and breath, named after a voice as `es+f3`. The numbered ones are what speakers
 * get by default (engines differ in the named ones' character, not in whether they exist).
 */
export const espeakVariants: readonly string[] = [
  'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'f1', 'f2', 'f3', 'f4', 'f5', 'croak', 'whisper', 'whisperf', 'klatt', 'klatt2', 'klatt3', 'klatt4',
];

/**
 * The variants speakers get by default, in order, for voices as unlike each other (and the
 * language's own voice) as eSpeak has. Not f2, f3 or f5: they draw on a random generator, which
 * the older build seeded anew in every process (the same line came out differently each run);
 * Redub's WebAssembly runs now seed it the same every time, but the order stays so that a job's
 * speakers keep the voices they had.
 */
export const speakerVariants: readonly string[] = ['f4', 'm3', 'f1', 'm6', 'm2', 'm7', 'm4', 'm8'];

/**
 * An explicit voice may be named by identifier ('roa/es-419'), its last part ('es-419') or its
 * name, with a variant after a '+' ('es+f3', one of espeakVariants).
 */
export function findEspeakVoice(voices: readonly EspeakVoice[], requested: string): string | null {
  const [named = '', variant, ...rest] = requested.trim().split('+');
  if (rest.length > 0) return null;
  const wanted = named.trim().toLowerCase();
  const match = voices.find((voice) => voice.identifier.toLowerCase() === wanted)
    ?? voices.find((voice) => voice.identifier.toLowerCase().split('/').pop() === wanted)
    ?? voices.find((voice) => voice.name.toLowerCase() === wanted);
  if (!match) return null;
  if (variant === undefined) return match.identifier;
  const known = espeakVariants.find((candidate) => candidate === variant.trim().toLowerCase());
  return known ? `${match.identifier}+${known}` : null;
}

export function espeakVoiceFor(voices: readonly EspeakVoice[], language: string, override?: string): string {
  if (override !== undefined && override.trim() !== '') {
    const voice = findEspeakVoice(voices, override);
    if (voice) return voice;
    throw new RedubError('E_LANGUAGE_UNSUPPORTED', {
      details: [`"${override}" is not an eSpeak NG voice (asked for language "${language}").`, `Known voices include ${sampleIdentifiers(voices)}.`],
    });
  }
  const voice = pickEspeakVoice(voices, language);
  if (voice) return voice;
  throw new RedubError('E_LANGUAGE_UNSUPPORTED', {
    details: [`eSpeak NG has no voice for the language code "${language}".`],
  });
}

function sampleIdentifiers(voices: readonly EspeakVoice[]): string {
  return voices.slice(0, 6).map((voice) => voice.identifier).join(', ') + (voices.length > 6 ? ', …' : '');
}
