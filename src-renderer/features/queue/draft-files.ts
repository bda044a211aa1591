// Pure rules of the new-job form: what a dropped file is, which language a subtitle file is in,
// and how the "es, fr" field reads. Kept out of the components so the tests pin them.
import { languageCodePattern, normalizeLanguage } from '../../../src-main/shared/languages.js';
import type { DraftFile } from '../../bridge/index.js';

export type FileRole = 'video' | 'subtitles' | 'other';

const videoExtensions = new Set(['mp4', 'm4v', 'mkv', 'mov', 'webm', 'avi', 'mpg', 'mpeg', 'ts', 'mts', 'm2ts', 'wmv', 'flv', '3gp', 'ogv']);
const subtitleExtensions = new Set(['srt', 'vtt', 'ass', 'ssa']);

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? '' : name.slice(dot + 1).toLowerCase();
}

export function fileRole(name: string, mimeType = ''): FileRole {
  const extension = extensionOf(name);
  if (subtitleExtensions.has(extension)) return 'subtitles';
  if (videoExtensions.has(extension) || mimeType.startsWith('video/')) return 'video';
  return 'other';
}

/** The language a subtitle file names before its extension, as in `talk.es.srt` or `talk.pt-br.vtt`. */
export function subtitleLanguage(name: string): string | null {
  const parts = name.split('.');
  if (parts.length < 3) return null;
  const candidate = normalizeLanguage(parts[parts.length - 2] ?? '');
  return languageCodePattern.test(candidate) && candidate.length <= 8 ? candidate : null;
}

/** Reads "es, fr de" into codes; anything that is not a language code is reported, not dropped silently. */
export function parseLanguages(text: string): { languages: string[]; invalid: string[] } {
  const languages: string[] = [];
  const invalid: string[] = [];
  for (const word of text.split(/[\s,;]+/).filter(Boolean)) {
    const code = normalizeLanguage(word);
    if (!languageCodePattern.test(code)) invalid.push(word);
    else if (!languages.includes(code)) languages.push(code);
  }
  return { languages, invalid };
}

export interface DraftFiles {
  video: DraftFile | null;
  subtitles: DraftFile | null;
  translations: Readonly<Record<string, DraftFile>>;
}

export const emptyDraftFiles: DraftFiles = { video: null, subtitles: null, translations: {} };

export interface Assignment {
  files: DraftFiles;
  /** Target languages to add because a dropped translation named them. */
  addedLanguages: string[];
  /** Sentences about files that were not used, for the person to read. */
  notes: string[];
}

/**
 * Sorts dropped files into the form. A subtitle file named for a target language (`talk.es.srt`
 * with target `es`) is that language's translation; one named for another language than the
 * source language, when the source is given, is a translation too and adds its language, and so
 * is any language-named file when the source subtitles are known (an unnamed `talk.srt` in the
 * same drop, or one already chosen); any other subtitle file is the source subtitles.
 */
export function assignFiles(current: DraftFiles, files: readonly DraftFile[], targets: readonly string[], from: string | null): Assignment {
  let { video, subtitles } = current;
  const translations = { ...current.translations };
  const addedLanguages: string[] = [];
  const notes: string[] = [];
  let videoTaken = false;
  const sourceKnown = subtitles !== null || files.some((file) => fileRole(file.name) === 'subtitles' && subtitleLanguage(file.name) === null);
  for (const file of files) {
    const { name } = file;
    const role = fileRole(name, 'type' in file ? file.type : '');
    if (role === 'video') {
      if (videoTaken) notes.push(`${name} was not added: one video at a time (queue it next).`);
      else video = file;
      videoTaken = true;
    } else if (role === 'subtitles') {
      const language = subtitleLanguage(name);
      const isTarget = language !== null && (targets.includes(language) || addedLanguages.includes(language));
      if (language && (isTarget || (from !== null && language !== from) || (from === null && sourceKnown))) {
        translations[language] = file;
        if (!isTarget) addedLanguages.push(language);
      } else {
        subtitles = file;
      }
    } else {
      notes.push(`${name} is neither a video nor a subtitle file (.srt, .vtt, .ass, .ssa).`);
    }
  }
  return { files: { video, subtitles, translations }, addedLanguages, notes };
}
