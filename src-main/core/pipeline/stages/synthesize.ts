// The synthesize stage: speech for every cue, in the job's voice. Each cue's speech is an item of
// its own, keyed by the engine, the voice and the text, so editing one line synthesizes that line
// only; a Piper voice runs in the model pool, eSpeak NG beside the other CPU stages.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ExecutionPreference } from '../../../shared/contract.js';
import { espeakVersion } from '../../engines/tts/espeak-synthesizer.js';
import type { SpeechSynthesizer } from '../../engines/tts/speech-synthesizer.js';
import { engineRevisions } from '../../engines/revisions.js';
import { readWav, writeWav } from '../../media/wav.js';
import { letHeartbeatsThrough } from '../heartbeats.js';
import { spokenText } from '../../subtitles/cue-text.js';
import { ArtifactCache, hashOf } from '../artifact-cache.js';
import { speechOf } from '../dub-options.js';
import type { EngineCache } from '../engine-cache.js';
import { fileState } from '../model-state.js';
import { itemProblems } from '../output-checks.js';
import { declareStage, placementFor, type StageContext } from '../stage.js';
import { editStage } from './edit.js';
import { providerIsNeutral } from './vad.js';
import { assignVoices, speakersOf, voiceName, withInstalledPool } from '../speaker-voices.js';

/** A neural voice's model file (its `.onnx.json` beside it), inside an installed pack. */
export interface VoiceModel {
  packId: string | null;
  modelPath: string;
}

/** One voice: an eSpeak NG voice (null: the language's own) with no model, or a Piper voice's name and model. */
export interface SpeakingVoice {
  voice: string | null;
  model: VoiceModel | null;
}

export interface SynthesizeParams {
  language: string;
  /** eSpeak NG: an override (null: the language's own voice). Piper: the voice's name. */
  voice: string | null;
  /** `voice`: the name (in `voices`) of the voice a speaker of this cue speaks with, when not the job's. */
  cues: { index: number; text: string; voice?: string }[];
  /** The other voices speakers speak with, by name (absent when every cue speaks with the job's voice). */
  voices?: Record<string, SpeakingVoice>;
  /** The neural voice to speak with; null: eSpeak NG. */
  model: VoiceModel | null;
  executionProvider: ExecutionPreference;
}

export interface SynthesizedCue {
  index: number;
  key: string;
  file: string | null;
  speechMs: number;
  synthesized: boolean;
}

export interface SynthesizeResult {
  voice: string;
  cues: SynthesizedCue[];
  synthesizedCount: number;
}

/** The synthesizer params name: a Piper voice, loaded once per worker, or eSpeak NG. */
export async function loadSynthesizer(engines: EngineCache, model: VoiceModel | null, preference: ExecutionPreference, context: Pick<StageContext, 'log' | 'useExecutionProvider'>): Promise<SpeechSynthesizer> {
  const synthesizer: SpeechSynthesizer = model
    ? await engines.warmModel(
        'piper',
        preference,
        model.modelPath,
        (sink) => import('../../engines/tts/piper-synthesizer.js').then(({ PiperSynthesizer }) => PiperSynthesizer.load(model.modelPath, { preference, log: sink })),
        (message) => context.log('warn', message),
      )
    : await loadEspeak(engines);
  context.useExecutionProvider(synthesizer.executionProvider);
  return synthesizer;
}

export function loadEspeak(engines: EngineCache): Promise<SpeechSynthesizer> {
  return engines.warm('espeak', () => import('../../engines/tts/espeak-synthesizer.js').then(({ EspeakSynthesizer }) => EspeakSynthesizer.load()));
}

export const synthesizeStage = declareStage<SynthesizeParams, SynthesizeResult>({
  name: 'synthesize',
  version: 1,
  weight: { plain: 30, neural: 20 },
  consumes: [editStage],
  plan({ options, output }) {
    const speech = speechOf(options);
    const cues = output(editStage)!.result.cues;
    const own = voiceName(speech, options.language);
    const voices: Record<string, SpeakingVoice> = {};
    const voiceOf = new Map<string, string>();
    for (const [speaker, choice] of assignVoices(speakersOf(cues), withInstalledPool(options))) {
      const name = voiceName(choice, options.language);
      if (name === own) continue;
      voices[name] = { voice: choice.voice, model: voiceModelOf(choice) };
      voiceOf.set(speaker, name);
    }
    return {
      language: options.language,
      voice: speech.voice,
      // A cue's lines are one sentence to a voice.
      cues: cues.map((cue) => {
        const voice = cue.speaker ? voiceOf.get(cue.speaker) : undefined;
        return { index: cue.index, text: spokenText(cue.targetText), ...(voice ? { voice } : {}) };
      }),
      model: voiceModelOf(speech),
      executionProvider: options.executionProvider,
      ...(voiceOf.size > 0 ? { voices } : {}),
    };
  },
  outputNeutral: { executionProvider: providerIsNeutral },
  // A voice installed again is synthesized again; eSpeak NG's build is named by its version.
  keyExtras: (params) => {
    const engines = [params.model, ...Object.values(params.voices ?? {}).map((voice) => voice.model)].map((model) => (model ? { engine: engineRevisions.piper, model: fileState(model.modelPath) } : { engine: espeakVersion() }));
    return params.voices ? engines : engines[0];
  },
  placement: (params) => placementFor(params.model ?? Object.values(params.voices ?? {}).find((voice) => voice.model)?.model, 'tts'),
  async run(params, context) {
    const speakers = new Map<string | undefined, { synthesizer: SpeechSynthesizer; voice: string }>();
    const speaker = async (name: string | undefined) => {
      const known = speakers.get(name);
      if (known) return known;
      const chosen = name ? params.voices?.[name] : { voice: params.voice, model: params.model };
      if (!chosen) throw new Error(`The cue names the voice "${name}", which the stage's voices do not list.`);
      const synthesizer = await loadSynthesizer(context.engines, chosen.model, params.executionProvider, context);
      const loaded = { synthesizer, voice: synthesizer.voiceFor(params.language, chosen.voice ?? undefined) };
      context.log('info', chosen.model ? `Speaking ${params.language} with the Piper voice ${loaded.voice} (${chosen.model.modelPath}).` : `Speaking ${params.language} with the eSpeak NG voice ${loaded.voice}.`);
      speakers.set(name, loaded);
      return loaded;
    };
    const cache = new ArtifactCache(context.task.artifactsRoot);
    const cues: SynthesizedCue[] = [];
    let synthesizedCount = 0;
    for (const [position, cue] of params.cues.entries()) {
      const { synthesizer, voice } = await speaker(cue.voice);
      const key = hashOf({ engine: synthesizer.id, version: synthesizer.version, voice, text: cue.text });
      const file = cache.itemPath(key, '.wav');
      let synthesized = false;
      if (!existsSync(file)) {
        const samples = await synthesizer.synthesize(cue.text, voice);
        writeItem(file, [samples], synthesizer.sampleRate);
        synthesized = true;
        synthesizedCount++;
      }
      const audio = readWav(file);
      const speechMs = Math.round(((audio.channels[0]?.length ?? 0) * 1000) / audio.sampleRate);
      cues.push({ index: cue.index, key, file: speechMs > 0 ? file : null, speechMs, synthesized });
      context.reportProgress((position + 1) / params.cues.length);
      await letHeartbeatsThrough();
    }
    // The job's own voice is loaded only when some cue speaks with it (or there is no cue at all).
    const used = [...speakers.values()].map((loaded) => loaded.voice);
    const voice = speakers.get(undefined)?.voice ?? used[0] ?? (await speaker(undefined)).voice;
    context.log('info', `Synthesized ${synthesizedCount} of ${cues.length} cues with voice${used.length > 1 ? 's' : ''} ${(used.length > 0 ? used : [voice]).join(', ')}; the rest were already cached.`);
    return { voice, cues, synthesizedCount };
  },
  check: (_params, _directory, result) => itemProblems(result.cues),
  checkOnReuse: (result) => itemProblems(result.cues),
  recorded(_output, context) {
    const speech = speechOf(context.options);
    context.log('info', speech.modelPath ? `Speech engine: Piper, voice ${speech.voice} (pack ${speech.packId ?? speech.packDir ?? '?'}).` : `Speech engine: eSpeak NG, voice ${speech.voice ?? `the ${context.options.language} default`}.`);
    const speakers = speakersOf(context.output(editStage)?.result.cues ?? []);
    if (speakers.length > 0) {
      const voices = [...assignVoices(speakers, withInstalledPool(context.options))].map(([speaker, choice]) => `${speaker}: ${voiceName(choice, context.options.language)}`);
      context.log('info', `Voices by speaker: ${voices.join(', ')}.`);
    }
  },
});

/** Writes one cue's speech where every job that speaks the same line finds it. */
export function writeItem(file: string, channels: Float32Array[], sampleRate: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeWav(file, channels, sampleRate);
}


/** The neural voice a job's speech choice names, or null for eSpeak NG. */
export function voiceModelOf(speech: { modelPath?: string; packId?: string }): VoiceModel | null {
  return speech.modelPath ? { packId: speech.packId ?? null, modelPath: speech.modelPath } : null;
}
