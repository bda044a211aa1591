// Owns choosing the speech engine and voice for a language before a job is queued (SPEC: Piper
// when a voice pack for the language is installed, eSpeak NG otherwise), for the job as a whole
// and for each speaker a person named (`--voice es:SPEAKER_2=piper:…`).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { RedubError } from '../../shared/errors.js';
import { normalizeLanguage } from '../../shared/languages.js';
import type { InstalledPack, PackManifest } from '../models/model-store.js';
import type { SpeechChoice } from './dub-options.js';
import type { InstalledModels } from './model-choice.js';

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
export function installedPiperPacks(models: InstalledModels | null, language: string): PackManifest[] {
  if (!models) return [];
  const piper = models.listInstalled().filter(({ pack }) => pack.kind === 'tts' && pack.engine === 'piper' && pack.languages.some((candidate) => sameLanguage(candidate, language)));
  const exact = (manifest: PackManifest) => (manifest.pack.languages.some((candidate) => normalizeLanguage(candidate) === language) ? 0 : 1);
  return piper.sort((a, b) => exact(a) - exact(b) || a.pack.id.localeCompare(b.pack.id));
}

export function piperChoice(pack: InstalledPack): SpeechChoice | null {
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

/**
 * Splits `--voice` keys into the job's voice per language (`es`) and the voices per speaker
 * (`es:SPEAKER_2`, or an ASS actor's name after the colon).
 */
export function speakerVoiceRequests(voices: Record<string, string>): { languages: Record<string, string>; speakers: Record<string, Record<string, string>> } {
  const languages: Record<string, string> = {};
  const speakers: Record<string, Record<string, string>> = {};
  for (const [key, value] of Object.entries(voices)) {
    const colon = key.indexOf(':');
    if (colon === -1) {
      languages[normalizeLanguage(key)] = value;
      continue;
    }
    const language = normalizeLanguage(key.slice(0, colon));
    const speaker = key.slice(colon + 1).trim();
    if (speaker === '') throw usage(`--voice ${key}=… needs a speaker after the ":", for example ${language}:SPEAKER_1=espeak:${language}+m3.`);
    if (!value) throw usage(`--voice ${key}= needs a voice after the "=".`);
    (speakers[language] ??= {})[speaker] = value;
  }
  return { languages, speakers };
}

function usage(sentence: string): RedubError {
  return new RedubError('E_USAGE', { message: sentence });
}
