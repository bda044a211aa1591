// The options one dub job runs with, as stored with the job (in their current version; older
// versions are upgraded on reading, see option-upgrades.ts), and the idempotency key derived from
// them: the same input with the same options is the same job.
import { z } from 'zod';
import { executionPreferenceSchema } from '../../shared/contract.js';
import { lipSyncSegmentSchema } from '../../shared/lipsync.js';
import { hashOf } from './artifact-cache.js';
import { upgradeJobOptions } from './option-upgrades.js';

export const translatorChoiceSchema = z.object({
  engine: z.enum(['nllb', 'marian']),
  packId: z.string(),
  packDir: z.string(),
  /** Marian: [source, target]; NLLB: ['*']. */
  languages: z.array(z.string()),
});

export type TranslatorChoice = z.infer<typeof translatorChoiceSchema>;
export type TranscriberChoice = NonNullable<DubJobOptions['transcription']>;

/** The version of the option sets Redub writes now; option-upgrades.ts brings older ones here. */
export const currentOptionsVersion = 6;

export const audioRefSchema = z.object({ id: z.string(), path: z.string(), durationMs: z.number().int().positive(), fingerprint: z.string() });
export type AudioRefOption = z.infer<typeof audioRefSchema>;

export const speechChoiceSchema = z.object({
  engine: z.enum(['espeak', 'piper']),
  voice: z.string().nullable(),
  packDir: z.string().optional(),
  packId: z.string().optional(),
  modelPath: z.string().optional(),
});

/** A model pack a stage loads: its id, the ONNX file inside it, and the catalog's parameters for it. */
export const packModelSchema = z.object({
  packId: z.string(),
  modelPath: z.string(),
  parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
});
export type PackModel = z.infer<typeof packModelSchema>;

export const dubJobOptionsSchema = z.object({
  version: z.literal(currentOptionsVersion),
  inputPath: z.string(),
  inputFingerprint: z.string(),
  /** The URL the input is downloaded from (into inputPath) by the download stage; null for a local file. */
  inputUrl: z.object({ url: z.string(), kind: z.enum(['direct', 'page']) }).nullable(),
  language: z.string(),
  sourceLanguage: z.string().nullable(),
  subtitlesPath: z.string().nullable(),
  subtitlesHash: z.string().nullable(),
  translationPath: z.string().nullable(),
  translationHash: z.string().nullable(),
  /** The encoding the user named for the subtitle and translation files; null: detected. */
  subtitlesEncoding: z.string().nullable(),
  /** Whether the MP4's subtitle track shows by default (players show it without being asked). */
  subtitlesShown: z.boolean(),
  voice: z.string().nullable(),
  outDir: z.string(),
  maxSpeed: z.number().min(1).max(4),
  targetLufs: z.number().min(-40).max(-5),
  limits: z.object({ maxBytes: z.number().optional(), maxDurationMs: z.number().optional() }),
  lipSyncSegments: z.array(lipSyncSegmentSchema),
  /**
   * Audio files the user added for lip-sync segments (refId "dub" is the job's own track and is
   * never listed): where each is (symbolic links resolved), how long it is, and its fingerprint
   * (see fingerprint.ts), so a changed file is told from the one the job was queued with.
   */
  audioRefs: z.array(audioRefSchema),
  /** Where the ONNX engines run (SPEC §1). */
  executionProvider: executionPreferenceSchema,
  /**
   * The speech engine chosen before queuing. For eSpeak, `voice` is the override (null: the
   * language's own voice); for Piper it is the voice's name and `modelPath` its `.onnx` inside
   * the installed pack `packDir`.
   */
  speech: speechChoiceSchema,
  /** Whisper transcribes when there are no subtitles; absent when the user's subtitles are the source. */
  transcription: z.object({ engine: z.literal('whisper'), packId: z.string(), packDir: z.string() }).optional(),
  /**
   * The translation packs that may translate this job, best first: the translate stage takes the
   * first that covers the source language (known only after transcription when it is detected).
   */
  translators: z.array(translatorChoiceSchema).optional(),
  /** Terms the user fixes in every translation (see engines/mt/glossary.ts). */
  glossary: z.array(z.object({ source: z.string().min(1), target: z.string().min(1) })).optional(),
  /**
   * The separation pack that splits the original into voices and background, chosen before
   * queuing; null: none is installed (or the user turned it off), and the dub ducks the original.
   */
  separation: packModelSchema.nullable(),
  /** The speaker packs (segmentation and embedding), and how many speakers to find (null: as many as there are); null: no diarization. */
  diarization: z.object({ segmentation: packModelSchema, embedding: packModelSchema, speakerCount: z.number().int().min(1).max(20).nullable() }).nullable(),
  /**
   * The voices a person picked per speaker (kept with the job in the store, where the timeline
   * changes them; the stored copy wins when the job runs). Speakers not listed take the next of
   * `voicePool`.
   */
  speakerVoices: z.record(z.string(), speechChoiceSchema),
  /** The voices speakers get by default, in order (the job's own voice first); empty: every speaker speaks with `speech`. */
  voicePool: z.array(speechChoiceSchema),
  /** Write the vocals, background and dub voice stems as WAV beside the video. */
  stems: z.boolean(),
});

export type DubJobOptions = z.infer<typeof dubJobOptionsSchema>;
export type SpeechChoice = z.infer<typeof speechChoiceSchema>;

/** The engine a job speaks with. */
export function speechOf(options: Pick<DubJobOptions, 'speech'>): SpeechChoice {
  return options.speech;
}

export const defaultMaxSpeed = 1.35;
export const defaultTargetLufs = -16;

/** Takes stored option sets too, with or without the fields that came later. */
export function idempotencyKeyFor(options: Partial<z.input<typeof dubJobOptionsSchema>> & Pick<DubJobOptions, 'inputPath'>): string {
  // Subtitle paths are left out on purpose, their content hashes stand in: moving a subtitle
  // file does not make a new job, editing it does. The execution provider is left out too: it
  // decides where the work runs, not what the result means, and leaving it out keeps the keys of
  // option sets stored before the field existed (and of every 'auto' job) unchanged.
  // An eSpeak choice is left out as well: it says no more than `voice` did, so eSpeak jobs keep
  // the keys they had before the field existed. A Piper choice is part of the job's identity.
  // Transcription and translation packs and the glossary are absent from older option sets,
  // and JSON leaves absent fields out of the hash, so those keys do not change either.
  // The version says how the options are written down, not what the job is.
  // A detected encoding and a subtitle track that does not show are what every job meant before
  // those fields existed: at those values they are left out, so older keys stay the same.
  // A URL input is keyed by its URL (in the fingerprint and inputUrl); a local one never has it.
  // Added audio is keyed like subtitles, by refId and content (its fingerprint), not by path, and
  // only when there is some, so the keys of jobs without it stay as they were.
  // Separation, speakers and stems likewise, when a job has none: packs are named by id (their
  // files move with the data folder), speaker voices by what they are. The default voice pool is
  // left out: it follows from the voices installed, as `speech` does for eSpeak jobs.
  const {
    subtitlesPath: _subtitles, translationPath: _translation, executionProvider: _provider, speech, version: _version, subtitlesEncoding, subtitlesShown, inputUrl, audioRefs,
    separation, diarization, speakerVoices, voicePool: _pool, stems, ...rest
  } = options as z.input<typeof dubJobOptionsSchema> & { version?: number };
  const audio = (audioRefs ?? []).map(({ id, fingerprint }) => ({ id, fingerprint }));
  const voices = Object.entries(speakerVoices ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([speaker, choice]) => [speaker, choice.engine, choice.packId ?? choice.voice]);
  const identity = {
    ...rest, ...(subtitlesEncoding ? { subtitlesEncoding } : {}), ...(subtitlesShown ? { subtitlesShown } : {}), ...(inputUrl ? { inputUrl } : {}), ...(audio.length > 0 ? { audioRefs: audio } : {}),
    ...(separation ? { separation: separation.packId } : {}),
    ...(diarization ? { diarization: [diarization.segmentation.packId, diarization.embedding.packId, diarization.speakerCount] } : {}),
    ...(voices.length > 0 ? { speakerVoices: voices } : {}), ...(stems ? { stems } : {}),
  };
  if (speech && speech.engine !== 'espeak') return hashOf({ ...identity, speech });
  return hashOf(identity);
}

/** A job's stored options, upgraded from whatever version wrote them, checked against the current schema. */
export function readJobOptions(stored: unknown): DubJobOptions {
  return dubJobOptionsSchema.parse(upgradeJobOptions(stored));
}
