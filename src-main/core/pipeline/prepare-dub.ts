// Validates a dub request before anything is queued (SPEC §2): the video, the subtitle files,
// the languages and voices, the lip-sync segments and the audio added for them (and the packs the
// segments need). Every rejection is a RedubError of the input kind with a sentence naming what is
// wrong; nothing reaches the queue until all of it is right.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { ExecutionPreference } from '../../shared/contract.js';
import { RedubError } from '../../shared/errors.js';
import { languageCodePattern, normalizeLanguage } from '../../shared/languages.js';
import { defaultMaxLipSyncSegments, type LipSyncSegment } from '../../shared/lipsync.js';
import { probeMedia, type MediaInfo } from '../media/probe.js';
import { createHash } from 'node:crypto';
import { inspectUrl, isUrlInput } from '../files/url-input.js';
import { checkEncodingName } from '../subtitles/decode-text.js';
import { loadSubtitleFile } from '../subtitles/subtitle-file.js';
import { prepareOutputFolder } from '../files/output-folder.js';
import type { GlossaryEntry } from '../../shared/glossary.js';
import { chooseTranscriber, chooseTranslators, type InstalledModels } from './model-choice.js';
import { currentOptionsVersion, defaultMaxSpeed, defaultTargetLufs, type DubJobOptions } from './dub-options.js';
import { fingerprintMedia } from './fingerprint.js';
import { checkAudioRefs, checkLipSyncSegments, requireLipSyncPacks } from './lipsync-request.js';
import { chooseSpeechEngine, speakerVoiceRequests, type VoiceCheck } from './speech-choice.js';
import { buildVoicePool } from './speaker-voices.js';
import { chooseDiarization, chooseSeparation, type AudioPackRequest } from './audio-packs.js';

export type { VoiceCheck };

export interface DubRequest {
  input: string;
  to: string[];
  from?: string | null;
  subtitles?: string | null;
  translations?: Record<string, string>;
  /** The subtitle and translation files' encoding (utf-8, windows-1251, …); absent: detected. */
  subtitlesEncoding?: string | null;
  /** The MP4's subtitle track shows by default; absent: it does not. */
  subtitlesShown?: boolean;
  voices?: Record<string, string>;
  /** Lip-sync segments, in the shape of a segments file ({segments: [...]}), not yet checked against the video. */
  lipsync?: { segments: LipSyncSegment[] } | null;
  /** Audio files added for the segments, by refId ("dub" is the job's own track and cannot be added). */
  audio?: Record<string, string>;
  outDir?: string | null;
  maxSpeed?: number;
  targetLufs?: number;
  limits?: { maxBytes?: number; maxDurationMs?: number };
  /** The most segments a job may have (the maxLipSyncSegments setting); 5 by default. */
  maxLipSyncSegments?: number;
  /** Where the ONNX engines run; default 'auto' (a GPU when present, the CPU always). */
  executionProvider?: ExecutionPreference;
  /** A Whisper pack id to transcribe with (default: the largest installed). */
  transcriber?: string | null;
  /** A translation pack id (default: a Marian pair for the languages, else NLLB). */
  translator?: string | null;
  /** Terms fixed in every translation. */
  glossary?: GlossaryEntry[];
  /** Where a URL input is downloaded to (a folder per URL inside it); without it URLs are refused. */
  downloadsDir?: string;
  /** Split voices from background ('auto', the default, when a pack is installed), and speakers found. */
  separation?: AudioPackRequest['separation'];
  speakers?: AudioPackRequest['speakers'];
  stems?: boolean;
}

/**
 * The jobs a request asks for, checked; `onProbed` gets the probe of a local input, made here to
 * refuse what cannot be dubbed before anything is queued (the caller may keep it for the job).
 */
export async function prepareDubJobs(request: DubRequest, checkVoice: VoiceCheck, models: InstalledModels | null = null, onProbed?: (media: MediaInfo) => void): Promise<DubJobOptions[]> {
  const languages = targetLanguages(request.to);
  const translations = normalizeKeys(request.translations ?? {}, '--translation');
  const { languages: languageVoices, speakers: speakerVoices } = speakerVoiceRequests(request.voices ?? {});
  const voices = normalizeKeys(languageVoices, '--voice');
  for (const language of [...Object.keys(translations), ...Object.keys(voices), ...Object.keys(speakerVoices)]) {
    if (!languages.includes(language)) throw usage(`"${language}" has a translation or voice but is not one of the target languages (${languages.join(', ')}).`);
  }

  const limits = request.limits ?? {};
  const input = await locateInput(request, limits);
  const { inputPath, media } = input;
  if (media) onProbed?.(media);
  const subtitlesPath = request.subtitles ? path.resolve(request.subtitles) : null;
  const subtitlesEncoding = request.subtitlesEncoding ? checkEncodingName(request.subtitlesEncoding) : null;
  // Read whole now, so a file with no readable cue is refused before anything is queued.
  const subtitlesHash = subtitlesPath ? (await loadSubtitleFile(subtitlesPath, 'subtitles', subtitlesEncoding)).sha256 : null;
  const addedAudio = request.audio ?? {};
  if ((request.lipsync || Object.keys(addedAudio).length > 0) && !media) throw usage('Lip-sync segments and added audio need the video first: download it, then dub the file with --lipsync (and --audio).');
  // Each added file is probed now, so a file that is not audio is refused before anything is queued.
  const audioRefs = await checkAudioRefs(addedAudio, { maxBytes: limits.maxBytes, maxDurationMs: limits.maxDurationMs });
  const lipSyncSegments = request.lipsync && media ? checkLipSyncSegments(request.lipsync.segments, { durationMs: media.durationMs, fps: media.video.fps }, audioRefs, request.maxLipSyncSegments ?? defaultMaxLipSyncSegments) : [];
  // Only segments need the packs; rendering them is the one thing the packs are for.
  if (lipSyncSegments.length > 0) requireLipSyncPacks(models);

  const sourceLanguage = request.from ? normalizeLanguage(request.from) : null;
  if (sourceLanguage !== null && !languageCodePattern.test(sourceLanguage)) throw usage(`"${request.from}" is not a language code; use codes such as en, es or pt-br.`);
  const glossary = checkGlossary(request.glossary ?? []);
  // Whisper is needed only when some language will be machine-translated from speech.
  const machineTranslated = languages.filter((language) => !translations[language]);
  const transcription = !subtitlesPath && machineTranslated.length > 0 ? chooseTranscriber(models, request.transcriber) : undefined;
  if (subtitlesPath && !sourceLanguage && machineTranslated.length > 0) {
    throw usage(`Say which language the subtitles are in with --from <lang>, so they can be translated into ${machineTranslated.join(', ')}.`);
  }

  const separation = chooseSeparation(models, request);
  const diarization = chooseDiarization(models, request);

  const outDir = prepareOutputFolder(request.outDir ?? path.dirname(inputPath));
  const jobs: DubJobOptions[] = [];
  for (const language of languages) {
    const translationPath = translations[language] ? path.resolve(translations[language]) : null;
    const translationHash = translationPath ? (await loadSubtitleFile(translationPath, 'translation', subtitlesEncoding)).sha256 : null;
    const translators = translationPath ? undefined : chooseTranslators(models, sourceLanguage, language, request.translator);
    const speech = await chooseSpeechEngine(language, voices[language], checkVoice, models);
    const picked: DubJobOptions['speakerVoices'] = {};
    for (const [speaker, value] of Object.entries(speakerVoices[language] ?? {})) picked[speaker] = await chooseSpeechEngine(language, value, checkVoice, models);
    jobs.push({
      version: currentOptionsVersion,
      inputPath,
      inputFingerprint: input.fingerprint,
      inputUrl: input.url,
      language,
      sourceLanguage,
      subtitlesPath,
      subtitlesHash,
      translationPath,
      translationHash,
      subtitlesEncoding,
      subtitlesShown: request.subtitlesShown ?? false,
      // The eSpeak override as before (null for Piper), so eSpeak jobs look as they always did.
      voice: speech.engine === 'espeak' ? speech.voice : null,
      outDir,
      maxSpeed: request.maxSpeed ?? defaultMaxSpeed,
      targetLufs: request.targetLufs ?? defaultTargetLufs,
      limits,
      lipSyncSegments,
      audioRefs,
      executionProvider: request.executionProvider ?? 'auto',
      speech,
      ...(transcription ? { transcription } : {}),
      ...(translators ? { translators } : {}),
      ...(translators && glossary.length > 0 ? { glossary } : {}),
      separation,
      diarization,
      speakerVoices: picked,
      // Speakers come from the speaker packs or from the subtitles' actors: either may name several.
      // One speaker asked for: every line in one voice (bar the voices a person picks).
      voicePool: request.speakers === 1 ? [] : await buildVoicePool(language, speech, models, checkVoice),
      stems: request.stems ?? false,
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

/**
 * Where the job's video is, and what it is: a local file probed now (refused before anything is
 * queued if it cannot be dubbed), or a URL checked now and downloaded by the download stage into
 * the data folder's downloads (one folder per URL), then probed like a file.
 */
async function locateInput(request: DubRequest, limits: { maxBytes?: number; maxDurationMs?: number }): Promise<{ inputPath: string; media: MediaInfo | null; fingerprint: string; url: DubJobOptions['inputUrl'] }> {
  if (isUrlInput(request.input)) {
    if (!request.downloadsDir) throw usage('This Redub cannot download videos here; pass the path of a file.');
    const found = await inspectUrl(request.input, limits.maxBytes !== undefined ? { maxBytes: limits.maxBytes } : {});
    const identity = createHash('sha256').update(found.url).digest('hex');
    return { inputPath: path.join(request.downloadsDir, identity.slice(0, 16), found.fileName), media: null, fingerprint: `url:${identity}`, url: { url: found.url, kind: found.kind } };
  }
  const media = await probeMedia(path.resolve(request.input), limits);
  // Kept with symbolic links resolved: the job serves this file and no other, even if a link
  // along the way is changed later.
  const inputPath = realpathSync(media.path);
  return { inputPath, media, fingerprint: fingerprintMedia(inputPath), url: null };
}

function checkGlossary(entries: GlossaryEntry[]): GlossaryEntry[] {
  const cleaned = entries.map((entry) => ({ source: entry.source.trim(), target: entry.target.trim() }));
  const empty = cleaned.findIndex((entry) => entry.source === '' || entry.target === '');
  if (empty !== -1) throw usage(`Glossary entry ${empty + 1} needs both a source term and its fixed translation.`);
  return cleaned;
}

function usage(sentence: string): RedubError {
  return new RedubError('E_USAGE', { message: sentence });
}
