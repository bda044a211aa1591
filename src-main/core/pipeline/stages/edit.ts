// The edit stage: the cues the job speaks — what the transcript and translation stages made, with
// a person's edits on top (core/cues/cue-layer.ts). A cue whose source text a person changed but
// whose translation they did not is translated again, that cue alone, when a translation pack made
// the translation. Everything after it (synthesis, fitting, the mix, the subtitles) reads these.
import type { ExecutionPreference } from '../../../shared/contract.js';
import type { GlossaryEntry } from '../../../shared/glossary.js';
import { layeredCues, type CueLayer, type LayeredCue } from '../../cues/cue-layer.js';
import { engineRevisions } from '../../engines/revisions.js';
import type { DubCue } from '../align-cues.js';
import type { TranslatorChoice } from '../dub-options.js';
import { catalogPacksOrNone, pickTranslator } from '../model-choice.js';
import { packState } from '../model-state.js';
import { declareStage, placementFor } from '../stage.js';
import { packDirIsNeutral } from './transcribe.js';
import { loadTranslator, translateStage } from './translate.js';
import { providerIsNeutral } from './vad.js';
import { spokenText } from '../../subtitles/cue-text.js';
import { speakerDuring, type SpeakerTurn } from '../../engines/diarization/speaker-turns.js';
import { diarizeStage } from './diarize.js';

export interface EditParams {
  base: DubCue[];
  layer: CueLayer;
  /** The base is the transcript itself (the speech is in the target language already). */
  spokenAsIs: boolean;
  /** How the base was translated, when a pack did it: edited source lines are translated the same way. */
  retranslate: { translators: TranslatorChoice[]; source: string; target: string; glossary: GlossaryEntry[]; executionProvider: ExecutionPreference } | null;
  /** Who speaks when, where the speakers were found (absent otherwise, so such jobs keep their keys). */
  turns?: SpeakerTurn[];
}

export interface EditedCue extends Omit<DubCue, 'speaker'> {
  id: string;
  edited: boolean;
  /** A person's pick, else the subtitles' actor, else who talks most inside the cue; null: nobody known. */
  speaker: string | null;
}

function toTranslate(params: EditParams): LayeredCue[] {
  if (!params.retranslate) return [];
  return layeredCues(params.base, params.layer).filter((cue) => cue.sourceOnly && cue.sourceText.trim() !== '');
}

export const editStage = declareStage<EditParams, { cues: EditedCue[] }>({
  name: 'edit',
  // 2: each cue names its speaker.
  version: 2,
  weight: { plain: 1, neural: 1 },
  consumes: [translateStage, diarizeStage],
  plan({ output, options, cueLayer }) {
    const translate = output(translateStage)!;
    const diarized = output(diarizeStage);
    const machine = translate.result.translator !== undefined && options.translators !== undefined;
    return {
      base: translate.result.cues,
      layer: cueLayer.layer,
      spokenAsIs: translate.result.spokenAsIs === true,
      retranslate: machine
        ? { translators: options.translators!, source: options.sourceLanguage ?? translate.result.source ?? '', target: options.language, glossary: options.glossary ?? [], executionProvider: options.executionProvider }
        : null,
      ...(diarized ? { turns: diarized.result.turns } : {}),
    };
  },
  outputNeutral: { 'retranslate.translators[].packDir': packDirIsNeutral, 'retranslate.executionProvider': providerIsNeutral },
  keyExtras: (params) => (params.retranslate ? { engine: engineRevisions.seq2seq, packs: params.retranslate.translators.map((choice) => packState(choice.packDir)) } : null),
  // A translation pack is loaded only when a source line was edited.
  placement: (params) => placementFor(toTranslate(params).length > 0 ? params.retranslate : null, 'mt'),
  async run(params, context) {
    const cues = layeredCues(params.base, params.layer);
    const pending = toTranslate(params);
    // Speech already in the target language speaks its transcript: an edited source line is the line.
    const spokenAsIs = (cue: LayeredCue) => params.spokenAsIs && cue.sourceOnly;
    const translated = new Map<string, string>();
    if (params.retranslate && pending.length > 0) {
      const { translators, source, target, glossary, executionProvider } = params.retranslate;
      const choice = pickTranslator(translators, source, target, catalogPacksOrNone());
      const translator = await loadTranslator(context.engines, { dir: choice.packDir, packId: choice.packId, family: choice.engine, languages: choice.languages }, executionProvider, (message) => context.log('warn', message));
      const results = await translator.translate(pending.map((cue) => spokenText(cue.sourceText)), { source, target, glossary, onProgress: (fraction) => context.reportProgress(fraction) });
      pending.forEach((cue, position) => translated.set(cue.id, results[position]!.text));
      context.useExecutionProvider(translator.executionProvider);
      context.log('info', `Translated ${pending.length} edited source line${pending.length === 1 ? '' : 's'} again with ${choice.packId}.`);
    }
    const edited = cues.filter((cue) => cue.edited).length;
    if (edited > 0) context.log('info', `${edited} of ${cues.length} cues carry a person's edits.`);
    return {
      cues: cues.map((cue, index) => ({
        index, id: cue.id, startMs: cue.startMs, endMs: cue.endMs, sourceText: cue.sourceText,
        targetText: translated.get(cue.id) ?? (spokenAsIs(cue) ? cue.sourceText : cue.targetText), edited: cue.edited,
        speaker: cue.speaker ?? (params.turns ? speakerDuring(params.turns, cue.startMs, cue.endMs) : null),
      })),
    };
  },
  recorded({ result }, context) {
    context.replaceCues(result.cues.map(({ edited: _edited, ...cue }) => ({ ...cue, speedFactor: null, placedStartMs: null, placedEndMs: null, flag: null })));
  },
});
