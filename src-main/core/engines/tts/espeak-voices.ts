// Owns choosing an eSpeak NG voice for a language code, from the voice list eSpeak reports.

import type { EspeakVoice } from '@echogarden/espeak-ng-emscripten';
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

/** An explicit voice may be named by identifier ('roa/es-419'), its last part ('es-419') or its name. */
export function findEspeakVoice(voices: readonly EspeakVoice[], requested: string): string | null {
  const wanted = requested.trim().toLowerCase();
  const match = voices.find((voice) => voice.identifier.toLowerCase() === wanted)
    ?? voices.find((voice) => voice.identifier.toLowerCase().split('/').pop() === wanted)
    ?? voices.find((voice) => voice.name.toLowerCase() === wanted);
  return match?.identifier ?? null;
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
