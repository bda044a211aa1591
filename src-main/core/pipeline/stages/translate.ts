// The translate stage: the cues in the target language — imported from the user's translation
// file, or translated by an NLLB / Marian pack, whole sentences at a time.
import type { ExecutionPreference } from '../../../shared/contract.js';
import { RedubError } from '../../../shared/errors.js';
import type { GlossaryEntry } from '../../../shared/glossary.js';
import { sameBaseLanguage } from '../../../shared/languages.js';
import type { TranslatePack } from '../../engines/mt/seq2seq-translator.js';
import type { Translator } from '../../engines/mt/translator.js';
import { engineRevisions } from '../../engines/revisions.js';
import type { SubtitleCue } from '../../subtitles/subtitle-types.js';
import { importSubtitles, type StyledCues } from '../subtitle-import.js';
import { alignCues, type DubCue } from '../align-cues.js';
import type { TranslatorChoice } from '../dub-options.js';
import type { EngineCache } from '../engine-cache.js';
import { catalogPacksOrNone, pickTranslator } from '../model-choice.js';
import { packState } from '../model-state.js';
import { joinGroup, sentenceGroups, splitTranslation } from '../sentence-groups.js';
import { declareStage, placementFor } from '../stage.js';
import { packDirIsNeutral, subtitlePathIsNeutral, transcribeStage } from './transcribe.js';
import { providerIsNeutral } from './vad.js';

export interface ImportTranslationParams {
  engine: 'import';
  translationPath: string;
  translationHash: string;
  /** The encoding the user named for the subtitle files; null to detect it. */
  encoding: string | null;
  sourceCues: SubtitleCue[] | null;
}

export interface MachineTranslationParams {
  engine: 'machine';
  /** Candidate packs, best first; the first that covers source → target translates. */
  translators: TranslatorChoice[];
  sourceCues: SubtitleCue[];
  source: string;
  target: string;
  glossary: GlossaryEntry[];
  executionProvider: ExecutionPreference;
}

export type TranslateParams = ImportTranslationParams | MachineTranslationParams;

export interface TranslateResult {
  cues: DubCue[];
  /** The pack that translated, and from which language; absent for an imported translation. */
  translator?: string;
  source?: string;
  /** The speech is already in the target language: the transcript is spoken as it is. */
  spokenAsIs?: true;
  /** An imported ASS translation: its styles, for an ASS export. */
  styled?: StyledCues;
}

export function loadTranslator(engines: EngineCache, pack: TranslatePack, preference: ExecutionPreference, log: (message: string) => void): Promise<Translator> {
  return engines.warmModel(
    'translator',
    preference,
    pack.dir,
    (sink) => import('../../engines/mt/seq2seq-translator.js').then(({ Seq2SeqTranslator }) => Seq2SeqTranslator.load(pack, { preference, log: sink })),
    log,
  );
}

export const translateStage = declareStage<TranslateParams, TranslateResult>({
  name: 'translate',
  // 4: overlapping cues kept and paired one to one, lines kept apart, warnings.
  version: 4,
  weight: { plain: 3, neural: 10 },
  consumes: [transcribeStage],
  plan({ options, output }) {
    const transcribe = output(transcribeStage);
    if (options.translationPath && options.translationHash) {
      return { engine: 'import', translationPath: options.translationPath, translationHash: options.translationHash, encoding: options.subtitlesEncoding, sourceCues: transcribe?.result.cues ?? null };
    }
    if (!options.translators || !transcribe) throw new RedubError('E_TRANSLATION_REQUIRED', { details: [`Target language: ${options.language}.`] });
    const source = options.sourceLanguage ?? transcribe.result.language ?? null;
    if (!source) throw new RedubError('E_USAGE', { message: 'The language of the subtitles is not known, so there is nothing to translate from.', action: 'Pass --from <lang> with the language the subtitles are written in.' });
    return {
      engine: 'machine',
      translators: options.translators,
      sourceCues: transcribe.result.cues,
      source,
      target: options.language,
      glossary: options.glossary ?? [],
      executionProvider: options.executionProvider,
    };
  },
  outputNeutral: {
    translationPath: subtitlePathIsNeutral,
    'translators[].packDir': packDirIsNeutral,
    executionProvider: providerIsNeutral,
  },
  // Cues keep the speaker their subtitle line names since speakers came: keyed anew where a line
  // could name one (an imported file; a machine translation of lines that do), so a transcript's
  // machine translation, which never names a speaker, keeps its key and is not translated again.
  keyExtras: (params) => {
    const speakers = params.engine === 'import' || (params.sourceCues ?? []).some((cue) => cue.speaker) ? { speakers: 1 } : {};
    return params.engine === 'machine' ? { engine: engineRevisions.seq2seq, packs: params.translators.map((choice) => packState(choice.packDir)), ...speakers } : speakers;
  },
  placement: (params) => placementFor(params.engine === 'machine' ? params.translators : null, 'mt'),
  async run(params, context) {
    if (params.engine === 'import') {
      const { cues: target, styled } = await importSubtitles(params.translationPath, params.translationHash, 'translation', params.encoding, context.log);
      return { cues: alignCues(params.sourceCues, target), ...(styled ? { styled } : {}) };
    }
    if (sameBaseLanguage(params.source, params.target)) {
      context.log('info', `The speech is already in ${params.target}: the dub speaks the transcript as it is.`);
      return { cues: alignCues(params.sourceCues, params.sourceCues), spokenAsIs: true };
    }
    const choice = pickTranslator(params.translators, params.source, params.target, catalogPacksOrNone());
    const translator = await loadTranslator(context.engines, { dir: choice.packDir, packId: choice.packId, family: choice.engine, languages: choice.languages }, params.executionProvider, (message) => context.log('warn', message));
    // Sentences that run over several cues are translated whole, then shared out over their cues.
    const groups = sentenceGroups(params.sourceCues);
    const translated = await translator.translate(
      groups.map((group) => joinGroup(group.map((index) => params.sourceCues[index]!.text))),
      { source: params.source, target: params.target, glossary: params.glossary, onProgress: (fraction) => context.reportProgress(fraction) },
    );
    const texts: string[] = [];
    groups.forEach((group, position) => {
      const { text, lostTerms } = translated[position]!;
      texts.push(...splitTranslation(text, group.map((index) => params.sourceCues[index]!.text)));
      if (lostTerms.length > 0) {
        const cues = group.length > 1 ? `Cues ${group[0]! + 1}–${group.at(-1)! + 1}` : `Cue ${group[0]! + 1}`;
        context.log('warn', `${cues}: the translation lost the glossary term${lostTerms.length > 1 ? 's' : ''} ${lostTerms.map((term) => `"${term}"`).join(', ')}; fix the line by hand.`);
      }
    });
    context.useExecutionProvider(translator.executionProvider);
    const merged = groups.filter((group) => group.length > 1).length;
    context.log('info', `${choice.engine === 'nllb' ? 'NLLB' : 'Marian'} (${choice.packId}) translated ${params.sourceCues.length} cues from ${params.source} to ${params.target} on ${translator.executionProvider}${merged > 0 ? `, ${merged} sentence${merged > 1 ? 's' : ''} spanning several cues translated whole` : ''}.`);
    const target = params.sourceCues.map((cue, index) => ({ ...cue, text: texts[index] ?? '' }));
    return { cues: alignCues(params.sourceCues, target), translator: choice.packId, source: params.source };
  },
  recorded({ result }, context) {
    // The base a person's edits sit on; the edits themselves stay as they are.
    context.replaceBaseCues(result.cues);
  },
});
