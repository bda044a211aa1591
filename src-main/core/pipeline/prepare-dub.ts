// Validates a dub request before anything is queued (SPEC §2): the video, the subtitle files,
// the languages and voices, the lip-sync segments and the audio added for them (and the packs the
// segments need). Every rejection is a RedubError of the input kind with a sentence naming what is
// wrong; nothing reaches the queue until all of it is right.
import { existsSync, realpathSync } from 'node:fs';
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
import type { InstalledPack, PackManifest } from '../models/model-store.js';
import { chooseTranscriber, chooseTranslators, type InstalledModels } from './model-choice.js';
import { currentOptionsVersion, defaultMaxSpeed, defaultTargetLufs, type DubJobOptions, type SpeechChoice } from './dub-options.js';
import { fingerprintMedia } from './fingerprint.js';
import { checkAudioRefs, checkLipSyncSegments, requireLipSyncPacks } from './lipsync-request.js';

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
}

/** Checks that a voice exists for a language; throws E_LANGUAGE_UNSUPPORTED otherwise. */
export type VoiceCheck = (language: string, voice?: string) => Promise<void>;


/**
 * The speech engine for one language (SPEC: Piper when a voice pack for the language is
 * installed, eSpeak NG otherwise). `--voice` values: `espeak`, `espeak:<voice>` or a bare eSpeak
 * voice force eSpeak NG; `piper:<packId>` forces that installed Piper pack.
 */
export async function chooseSpeechEngine(language: string, value: string | undefined, checkVoice: VoiceCheck, models: InstalledModels | null): Promise<SpeechChoice> {
  const requested = value?.trim();
  if (requested !== undefined && /^piper:/i.test(requested)) {
    const id = requested.slice('piper:'.length).trim();
    if (id === '') throw usage(`--voice ${language}=piper: needs a model pack id after "piper:", for example piper:piper-es-es-davefx-medium.`);
    if (!models) throw new RedubError('E_MODEL_MISSING', { message: `The model pack "${id}" is not installed.`, action: `Run \`redub models install ${id}\`.` });
    const pack = models.requirePack(id);
    const { kind, engine, languages } = pack.manifest.pack;
    if (kind !== 'tts' || engine !== 'piper') throw usage(`The model pack "${id}" is not a Piper voice (it is a ${kind} pack for ${engine}).`);
    if (!languages.some((candidate) => sameLanguage(candidate, language))) {
      throw new RedubError('E_LANGUAGE_UNSUPPORTED', { details: [`The Piper voice pack "${id}" speaks ${languages.join(', ')}, not "${language}".`] });
    }
    const choice = piperChoice(pack);
    if (!choice) throw new RedubError('E_MODEL_MISSING', { message: `The model pack "${id}" has no Piper voice (.onnx with its .onnx.json) installed.`, action: `Run \`redub models install ${id}\` again.` });
    return choice;
  }
  if (requested !== undefined && /^espeak(:|$)/i.test(requested)) {
    const voice = requested.slice('espeak'.length).replace(/^:/, '').trim();
    await checkVoice(language, voice === '' ? undefined : voice);
    return { engine: 'espeak', voice: voice === '' ? null : voice };
  }
  if (requested !== undefined) {
    await checkVoice(language, value);
    return { engine: 'espeak', voice: value ?? null };
  }
  for (const manifest of installedPiperPacks(models, language)) {
    const choice = piperChoice(models!.requirePack(manifest.pack.id));
    if (choice) return choice;
  }
  await checkVoice(language, undefined);
  return { engine: 'espeak', voice: null };
}

/** Installed Piper packs for a language: an exact language match first, then by id. */
function installedPiperPacks(models: InstalledModels | null, language: string): PackManifest[] {
  if (!models) return [];
  const piper = models.listInstalled().filter(({ pack }) => pack.kind === 'tts' && pack.engine === 'piper' && pack.languages.some((candidate) => sameLanguage(candidate, language)));
  const exact = (manifest: PackManifest) => (manifest.pack.languages.some((candidate) => normalizeLanguage(candidate) === language) ? 0 : 1);
  return piper.sort((a, b) => exact(a) - exact(b) || a.pack.id.localeCompare(b.pack.id));
}

function piperChoice(pack: InstalledPack): SpeechChoice | null {
  const names = new Set(pack.manifest.files.map((file) => file.path));
  const model = pack.manifest.files.find((file) => file.path.toLowerCase().endsWith('.onnx') && names.has(`${file.path}.json`));
  if (!model) return null;
  const modelPath = pack.file(model.path);
  if (!existsSync(modelPath) || !existsSync(`${modelPath}.json`)) return null;
  return { engine: 'piper', voice: path.basename(model.path).replace(/\.onnx$/i, ''), packId: pack.id, packDir: pack.dir, modelPath };
}

/** 'es' and 'es-ES' are the same language for choosing a voice; 'pt-br' and 'pt-pt' are not. */
function sameLanguage(a: string, b: string): boolean {
  const [left, right] = [normalizeLanguage(a), normalizeLanguage(b)];
  if (left === right) return true;
  const [leftBase, leftRegion] = left.split('-');
  const [rightBase, rightRegion] = right.split('-');
  return leftBase === rightBase && (leftRegion === undefined || rightRegion === undefined);
}

export async function prepareDubJobs(request: DubRequest, checkVoice: VoiceCheck, models: InstalledModels | null = null): Promise<DubJobOptions[]> {
  const languages = targetLanguages(request.to);
  const translations = normalizeKeys(request.translations ?? {}, '--translation');
  const voices = normalizeKeys(request.voices ?? {}, '--voice');
  for (const language of [...Object.keys(translations), ...Object.keys(voices)]) {
    if (!languages.includes(language)) throw usage(`"${language}" has a translation or voice but is not one of the target languages (${languages.join(', ')}).`);
  }

  const limits = request.limits ?? {};
  const input = await locateInput(request, limits);
  const { inputPath, media } = input;
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

  const outDir = prepareOutputFolder(request.outDir ?? path.dirname(inputPath));
  const jobs: DubJobOptions[] = [];
  for (const language of languages) {
    const translationPath = translations[language] ? path.resolve(translations[language]) : null;
    const translationHash = translationPath ? (await loadSubtitleFile(translationPath, 'translation', subtitlesEncoding)).sha256 : null;
    const translators = translationPath ? undefined : chooseTranslators(models, sourceLanguage, language, request.translator);
    const speech = await chooseSpeechEngine(language, voices[language], checkVoice, models);
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
