// Stages that produce the cues: speech detection on the analysis audio; transcription by importing
// the user's subtitles or with Whisper; translation by importing the user's translated subtitles or
// with an NLLB / Marian pack.
import type { ExecutionPreference } from '../../../shared/contract.js';
import { readWav } from '../../media/wav.js';
import { readSubtitleFile, type SubtitleCue } from '../../media/subtitles.js';
import type { SpeechRegion } from '../../engines/vad/voice-activity-detector.js';
import type { GlossaryEntry } from '../../../shared/glossary.js';
import { sameBaseLanguage } from '../../../shared/languages.js';
import { alignCues, type DubCue } from '../align-cues.js';
import type { TranslatorChoice } from '../dub-options.js';
import { catalogPacksOrNone, pickTranslator } from '../model-choice.js';
import { joinGroup, sentenceGroups, splitTranslation } from '../sentence-groups.js';
import type { StageImplementation } from '../stage.js';

export interface VadParams {
  analysisPath: string;
  /** The job's execution-provider preference; older tasks lack it and mean 'auto'. */
  executionProvider?: ExecutionPreference;
}

export const vadStage: StageImplementation<VadParams, { regions: SpeechRegion[] }> = {
  name: 'vad',
  async run(params, context) {
    const detector = await context.engines.voiceActivityDetector(params.executionProvider ?? 'auto');
    // The detector is shared by the worker's tasks: each job's log says why it runs where it does.
    for (const warning of detector.providerWarnings) context.log('warn', warning);
    const audio = readWav(params.analysisPath);
    const regions = await detector.detect(
      audio.channels[0] ?? new Float32Array(0),
      undefined,
      (fraction) => context.reportProgress(fraction),
      (warning) => context.log('warn', warning),
    );
    // Read after detecting: a GPU that failed mid-run leaves the detector on the CPU.
    context.useExecutionProvider(detector.executionProvider);
    context.log('info', `Found ${regions.length} speech regions on ${detector.executionProvider}.`);
    return { regions };
  },
};

export interface ImportTranscriptParams {
  subtitlesPath: string;
}

export interface WhisperTranscriptParams {
  engine: 'whisper';
  packId: string;
  packDir: string;
  analysisPath: string;
  regions: SpeechRegion[];
  /** The spoken language when the user named it (--from); null to detect it. */
  language: string | null;
  executionProvider?: ExecutionPreference;
}

export interface TranscribeResult {
  cues: SubtitleCue[];
  /** The spoken language: named by the user or detected by Whisper; absent for imported subtitles. */
  language?: string;
}

export const transcribeStage: StageImplementation<ImportTranscriptParams | WhisperTranscriptParams, TranscribeResult> = {
  name: 'transcribe',
  async run(params, context) {
    if (!('engine' in params)) {
      const cues = await readSubtitleFile(params.subtitlesPath);
      context.log('info', `Imported ${cues.length} source cues from ${params.subtitlesPath}.`);
      return { cues };
    }
    const whisper = await context.engines.whisperTranscriber({ dir: params.packDir, packId: params.packId }, params.executionProvider ?? 'auto', (message) => context.log('warn', message));
    const audio = readWav(params.analysisPath);
    const transcript = await whisper.transcribe(audio.channels[0] ?? new Float32Array(0), {
      language: params.language ? params.language.split('-')[0]! : null,
      regions: params.regions,
      onProgress: (fraction) => context.reportProgress(fraction),
    });
    context.useExecutionProvider(whisper.provider);
    if (transcript.droppedLoops > 0) {
      context.log('warn', `Left out ${transcript.droppedLoops} transcribed line${transcript.droppedLoops > 1 ? 's' : ''} that repeat themselves (a Whisper decoding loop, not speech); check those moments and add their text by hand if needed.`);
    }
    const detected = transcript.languageProbability === null ? '' : ` (detected, ${Math.round(transcript.languageProbability * 100)}% sure)`;
    context.log('info', `Whisper (${params.packId}) transcribed ${transcript.cues.length} cues in ${transcript.language}${detected} on ${whisper.provider}.`);
    return { cues: transcript.cues, language: transcript.language };
  },
};

export interface ImportTranslationParams {
  translationPath: string;
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
  executionProvider?: ExecutionPreference;
}

export const translateStage: StageImplementation<ImportTranslationParams | MachineTranslationParams, { cues: DubCue[]; translator?: string }> = {
  name: 'translate',
  async run(params, context) {
    if (!('engine' in params)) {
      const target = await readSubtitleFile(params.translationPath, 'translation');
      context.log('info', `Imported ${target.length} translated cues from ${params.translationPath}.`);
      return { cues: alignCues(params.sourceCues, target) };
    }
    if (sameBaseLanguage(params.source, params.target)) {
      context.log('info', `The speech is already in ${params.target}: the dub speaks the transcript as it is.`);
      return { cues: alignCues(params.sourceCues, params.sourceCues) };
    }
    const choice = pickTranslator(params.translators, params.source, params.target, catalogPacksOrNone());
    const translator = await context.engines.translator({ dir: choice.packDir, packId: choice.packId, family: choice.engine, languages: choice.languages }, params.executionProvider ?? 'auto', (message) => context.log('warn', message));
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
    context.useExecutionProvider(translator.provider);
    const merged = groups.filter((group) => group.length > 1).length;
    context.log('info', `${choice.engine === 'nllb' ? 'NLLB' : 'Marian'} (${choice.packId}) translated ${params.sourceCues.length} cues from ${params.source} to ${params.target} on ${translator.provider}${merged > 0 ? `, ${merged} sentence${merged > 1 ? 's' : ''} spanning several cues translated whole` : ''}.`);
    const target = params.sourceCues.map((cue, index) => ({ ...cue, text: texts[index] ?? '' }));
    return { cues: alignCues(params.sourceCues, target), translator: choice.packId };
  },
};

