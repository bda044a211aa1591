// Owns choosing, before a job is queued, the installed packs that will transcribe and translate
// it — and refusing with E_MODEL_MISSING (naming the pack and the command that installs it) when
// the job needs one that is not installed, so nothing fails halfway through a long job.

import { RedubError } from '../../shared/errors.js';
import { sameBaseLanguage } from '../../shared/languages.js';
import { loadCatalog, type CatalogPack } from '../models/catalog.js';
import type { InstalledPack, PackManifest } from '../models/model-store.js';
import type { TranscriberChoice, TranslatorChoice } from './dub-options.js';

/** The installed packs, as far as choosing engines needs them (a ModelStore). */
export interface InstalledModels {
  listInstalled(): PackManifest[];
  requirePack(id: string): InstalledPack;
  /** The catalog's packs, to name the one to install; none when the catalog is unreadable. */
  catalogPacks?(): CatalogPack[];
}

/** Named when the catalog cannot be read; otherwise suggestions come from the catalog itself. */
const whisperFallback = 'whisper-base';
const nllbFallback = 'nllb-200-distilled-600m';

/** The catalog pack to suggest: `preferred` when listed, else the first that matches; `preferred` without a catalog. */
function suggestion(catalog: readonly CatalogPack[], matches: (pack: CatalogPack) => boolean, preferred: string): string | null {
  if (catalog.length === 0) return preferred;
  const candidates = catalog.filter(matches);
  return (candidates.find((pack) => pack.id === preferred) ?? candidates[0])?.id ?? null;
}

/**
 * The Whisper pack to transcribe with: the one named, else the largest installed (bigger Whisper
 * models transcribe better, and a user who installed one chose to spend the memory).
 */
export function chooseTranscriber(models: InstalledModels | null, requested?: string | null): TranscriberChoice {
  if (requested) {
    const pack = requireInstalled(models, requested, 'Transcribing');
    if (pack.manifest.pack.kind !== 'asr' || pack.manifest.pack.engine !== 'whisper') throw usage(`The model pack "${requested}" is not a Whisper speech-recognition pack (it is a ${pack.manifest.pack.kind} pack for ${pack.manifest.pack.engine}).`);
    return { engine: 'whisper', packId: pack.id, packDir: pack.dir };
  }
  const installed = (models?.listInstalled() ?? []).filter(({ pack }) => pack.kind === 'asr' && pack.engine === 'whisper');
  const best = installed.sort((a, b) => b.pack.minMemoryMb - a.pack.minMemoryMb || a.pack.id.localeCompare(b.pack.id))[0];
  if (!best) {
    const id = suggestion(models?.catalogPacks?.() ?? [], (pack) => pack.kind === 'asr' && pack.engine === 'whisper', whisperFallback);
    const install = id ? `Run \`redub models install ${id}\` (or another Whisper pack from \`redub models list\`)` : 'Install or import a Whisper pack (see `redub models list`)';
    throw new RedubError('E_MODEL_MISSING', {
      message: 'No subtitles were given, and transcribing the speech needs a Whisper model pack, which is not installed.',
      action: `${install}, or pass the spoken text with --subtitles <file.srt>.`,
    });
  }
  const pack = models!.requirePack(best.pack.id);
  return { engine: 'whisper', packId: pack.id, packDir: pack.dir };
}

/**
 * The packs that may translate into `target`, best first: the one named; else a Marian pair for a
 * known source (small, fast, permissively licensed), then NLLB. With the source still unknown
 * (Whisper will detect it) every Marian pack into `target` is a candidate, NLLB last.
 */
export function chooseTranslators(models: InstalledModels | null, source: string | null, target: string, requested?: string | null): TranslatorChoice[] {
  if (source && sameBaseLanguage(source, target)) return [];
  if (requested) {
    const pack = requireInstalled(models, requested, 'Translating');
    const choice = translatorOf(pack);
    if (!choice) throw usage(`The model pack "${requested}" is not a translation pack (it is a ${pack.manifest.pack.kind} pack for ${pack.manifest.pack.engine}).`);
    if (!covers(choice, source, target)) {
      throw new RedubError('E_LANGUAGE_UNSUPPORTED', {
        message: `The translation pack "${requested}" translates ${choice.languages.join(' to ')}, not ${source ?? 'the spoken language'} to ${target}.`,
        action: 'Leave --translator out to let Redub pick an installed pack, or name one that covers these languages.',
      });
    }
    return [choice];
  }
  const installed = (models?.listInstalled() ?? []).map((manifest) => manifest.pack).filter((pack) => pack.kind === 'mt');
  const choices = installed
    .map((pack) => translatorOf(models!.requirePack(pack.id)))
    .filter((choice): choice is TranslatorChoice => choice !== null && covers(choice, source, target))
    .sort((a, b) => rank(a) - rank(b) || a.packId.localeCompare(b.packId));
  if (choices.length === 0) throw missingTranslator(models?.catalogPacks?.() ?? [], source, target);
  return choices;
}

/** The first candidate that translates `source` into `target`, or E_MODEL_MISSING naming what would. */
export function pickTranslator(candidates: readonly TranslatorChoice[], source: string, target: string, catalog: readonly CatalogPack[] = []): TranslatorChoice {
  const choice = candidates.find((candidate) => covers(candidate, source, target));
  if (choice) return choice;
  throw missingTranslator(catalog, source, target);
}

/** The catalog's packs, or none when the catalog cannot be read (it only names packs in messages). */
export function catalogPacksOrNone(): CatalogPack[] {
  try {
    return loadCatalog().packs;
  } catch {
    return [];
  }
}

function missingTranslator(catalog: readonly CatalogPack[], source: string | null, target: string): RedubError {
  const pair = source ? catalog.find((pack) => pack.kind === 'mt' && pack.engine === 'marian' && sameBaseLanguage(pack.languages[0], source) && sameBaseLanguage(pack.languages[1], target)) : undefined;
  const nllb = suggestion(catalog, (pack) => pack.kind === 'mt' && pack.engine === 'nllb', nllbFallback);
  const suggestions = [pair?.id, nllb].filter((id): id is string => Boolean(id));
  const from = source ? `from ${source} ` : '';
  const install = suggestions.length > 0 ? `Run ${suggestions.map((id) => `\`redub models install ${id}\``).join(' or ')}` : 'Install or import a translation pack (see `redub models list`)';
  return new RedubError('E_MODEL_MISSING', {
    message: `Translating ${from}into ${target} needs a translation model pack, and none that covers it is installed.`,
    action: `${install}, or pass the translation with --translation ${target}=<file.srt>.`,
  });
}

function translatorOf(pack: InstalledPack): TranslatorChoice | null {
  const { kind, engine, languages } = pack.manifest.pack;
  if (kind !== 'mt' || (engine !== 'nllb' && engine !== 'marian')) return null;
  return { engine, packId: pack.id, packDir: pack.dir, languages };
}

function covers(choice: TranslatorChoice, source: string | null, target: string): boolean {
  if (choice.engine === 'nllb') return true;
  const [from, to] = choice.languages;
  return sameBaseLanguage(to, target) && (source === null || sameBaseLanguage(from, source));
}

function rank(choice: TranslatorChoice): number {
  return choice.engine === 'marian' ? 0 : 1;
}

function requireInstalled(models: InstalledModels | null, id: string, doing: string): InstalledPack {
  if (!models) throw new RedubError('E_MODEL_MISSING', { message: `${doing} with "${id}" needs that model pack, which is not installed.`, action: `Run \`redub models install ${id}\`.` });
  return models.requirePack(id);
}


function usage(sentence: string): RedubError {
  return new RedubError('E_USAGE', { message: sentence });
}
