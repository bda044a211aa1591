// Validates a dub request before anything is queued (SPEC §2): the video, the subtitle files,
// the languages and voices, the lip-sync segments. Every rejection is a RedubError of the input
// kind with a sentence naming what is wrong; nothing reaches the queue until all of it is right.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ExecutionPreference } from '../../shared/contract.js';
import { RedubError } from '../../shared/errors.js';
import { languageCodePattern, normalizeLanguage } from '../../shared/languages.js';
import { defaultMaxLipSyncSegments, lipSyncFileSchema, validateLipSyncSegments, type LipSyncSegment } from '../../shared/lipsync.js';
import { probeMedia, type MediaInfo } from '../media/probe.js';
import { readSubtitleFile } from '../media/subtitles.js';
import { defaultMaxSpeed, defaultTargetLufs, type DubJobOptions } from './dub-options.js';
import { fingerprintMedia, hashFileContent } from './fingerprint.js';

export interface DubRequest {
  input: string;
  to: string[];
  from?: string | null;
  subtitles?: string | null;
  translations?: Record<string, string>;
  voices?: Record<string, string>;
  lipSyncFile?: string | null;
  outDir?: string | null;
  maxSpeed?: number;
  targetLufs?: number;
  limits?: { maxBytes?: number; maxDurationMs?: number };
  maxLipSyncSegments?: number;
  /** Where the ONNX engines run; default 'auto' (a GPU when present, the CPU always). */
  executionProvider?: ExecutionPreference;
}

/** Checks that a voice exists for a language; throws E_LANGUAGE_UNSUPPORTED otherwise. */
export type VoiceCheck = (language: string, voice?: string) => Promise<void>;

export async function prepareDubJobs(request: DubRequest, checkVoice: VoiceCheck): Promise<DubJobOptions[]> {
  const languages = targetLanguages(request.to);
  const translations = normalizeKeys(request.translations ?? {}, '--translation');
  const voices = normalizeKeys(request.voices ?? {}, '--voice');
  for (const language of [...Object.keys(translations), ...Object.keys(voices)]) {
    if (!languages.includes(language)) throw usage(`"${language}" has a translation or voice but is not one of the target languages (${languages.join(', ')}).`);
  }

  const inputPath = path.resolve(request.input);
  const limits = request.limits ?? {};
  const media = await probeMedia(inputPath, limits);
  const subtitlesPath = request.subtitles ? path.resolve(request.subtitles) : null;
  if (subtitlesPath) await readSubtitleFile(subtitlesPath);
  const lipSyncSegments = request.lipSyncFile ? readLipSyncSegments(request.lipSyncFile, media, request.maxLipSyncSegments ?? defaultMaxLipSyncSegments) : [];

  const jobs: DubJobOptions[] = [];
  for (const language of languages) {
    const translationPath = translations[language] ? path.resolve(translations[language]) : null;
    if (!translationPath) {
      if (!subtitlesPath) throw new RedubError('E_TRANSCRIPT_REQUIRED', { details: [`No --subtitles and no --translation ${language}=<file> were given.`] });
      throw new RedubError('E_TRANSLATION_REQUIRED', { details: [`Pass --translation ${language}=<file.srt> with the ${language} text.`] });
    }
    await readSubtitleFile(translationPath);
    await checkVoice(language, voices[language]);
    jobs.push({
      inputPath,
      inputFingerprint: fingerprintMedia(inputPath),
      language,
      sourceLanguage: request.from ? normalizeLanguage(request.from) : null,
      subtitlesPath,
      subtitlesHash: subtitlesPath ? hashFileContent(subtitlesPath) : null,
      translationPath,
      translationHash: hashFileContent(translationPath),
      voice: voices[language] ?? null,
      outDir: path.resolve(request.outDir ?? path.dirname(inputPath)),
      maxSpeed: request.maxSpeed ?? defaultMaxSpeed,
      targetLufs: request.targetLufs ?? defaultTargetLufs,
      limits,
      lipSyncSegments,
      executionProvider: request.executionProvider ?? 'auto',
    });
  }
  return jobs;
}

function targetLanguages(to: string[]): string[] {
  const languages = [...new Set(to.map(normalizeLanguage).filter(Boolean))];
  if (languages.length === 0) throw usage('Name at least one target language with --to, for example --to es or --to es,fr.');
  const bad = languages.find((language) => !languageCodePattern.test(language));
  if (bad) throw usage(`"${bad}" is not a language code; use codes such as es, fr, de or pt-br.`);
  return languages;
}

function normalizeKeys(entries: Record<string, string>, flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [language, value] of Object.entries(entries)) {
    if (!value) throw usage(`${flag} ${language}= needs a value after the "=".`);
    result[normalizeLanguage(language)] = value;
  }
  return result;
}

function readLipSyncSegments(file: string, media: MediaInfo, maxSegments: number): LipSyncSegment[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path.resolve(file), 'utf8'));
  } catch (error) {
    throw new RedubError('E_LIPSYNC_FILE', { details: [`${file}: ${(error as Error).message}`] });
  }
  const shape = lipSyncFileSchema.safeParse(parsed);
  if (!shape.success) {
    throw new RedubError('E_LIPSYNC_FILE', { details: shape.error.issues.map((issue) => `${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`) });
  }
  const violations = validateLipSyncSegments(shape.data.segments, {
    videoDurationMs: media.durationMs,
    fps: media.video.fps,
    // The dubbed track spans the whole video; files the user adds to a job come with the desktop app.
    audioDurationsMs: { dub: media.durationMs },
    maxSegments,
  });
  if (violations.length > 0) {
    throw new RedubError('E_LIPSYNC_INVALID', { details: violations.map((violation) => `${violation.message} [rule: ${violation.rule}]`) });
  }
  return shape.data.segments;
}

function usage(sentence: string): RedubError {
  return new RedubError('E_USAGE', { message: sentence });
}
