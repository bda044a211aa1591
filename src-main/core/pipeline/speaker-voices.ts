// Owns which voice each speaker of a job speaks with: the one a person picked for that speaker,
// else the voice in its slot of the job's pool (the job's own voice first, then the other Piper
// voices installed for the language, then eSpeak NG variants of the language's voice), so by
// default every speaker sounds like someone else. One function decides it for the stage that
// speaks and for every view that shows it.
import { existsSync } from 'node:fs';
import { speakerVariants } from '../engines/tts/espeak-voices.js';
import type { DubJobOptions, SpeechChoice } from './dub-options.js';
import type { InstalledModels } from './model-choice.js';
import { installedPiperPacks, piperChoice, type VoiceCheck } from './speech-choice.js';

/** How a voice is written in `--voice`, the API and the app: `piper:<pack id>` or `espeak:<voice>`. */
export function voiceName(choice: SpeechChoice, language: string): string {
  if (choice.engine === 'piper') return `piper:${choice.packId ?? choice.voice ?? '?'}`;
  return `espeak:${choice.voice ?? language}`;
}

/** The voices speakers get by default, in order; every eSpeak variant is checked to exist first. */
export async function buildVoicePool(language: string, speech: SpeechChoice, models: InstalledModels | null, checkVoice: VoiceCheck): Promise<SpeechChoice[]> {
  const pool: SpeechChoice[] = [speech];
  for (const manifest of installedPiperPacks(models, language)) {
    if (manifest.pack.id === speech.packId) continue;
    const choice = piperChoice(models!.requirePack(manifest.pack.id));
    if (choice) pool.push(choice);
  }
  const base = await espeakBase(language, speech, checkVoice);
  if (!base) return pool;
  const own = speech.engine === 'espeak' ? speech.voice?.split('+')[1]?.toLowerCase() : undefined;
  for (const variant of speakerVariants) if (variant !== own) pool.push({ engine: 'espeak', voice: `${base}+${variant}` });
  return pool;
}

/**
 * The eSpeak NG voice the variants are built on, by the name eSpeak knows it by (`es`, `es-419`
 * for es-MX, `cmn` for zh: a language tag is not a voice name); null where eSpeak NG does not
 * speak the language (a Piper-only one), which then has no variants to offer. An eSpeak job's
 * voice was checked already; a Piper job's language is checked here.
 */
async function espeakBase(language: string, speech: SpeechChoice, checkVoice: VoiceCheck): Promise<string | null> {
  const override = speech.engine === 'espeak' && speech.voice ? speech.voice.split('+')[0]! : undefined;
  try {
    if (speech.engine !== 'espeak') await checkVoice(language, undefined);
    const { chooseEspeakVoice } = await import('../engines/tts/espeak-voice-list.js');
    return (await chooseEspeakVoice(language, override)).split('/').pop() ?? null;
  } catch {
    return null;
  }
}

/** The job's options with the default voices whose pack was removed since it was queued left out (passed over, not failed on). */
export function withInstalledPool<Options extends Pick<DubJobOptions, 'voicePool'>>(options: Options): Options {
  return { ...options, voicePool: options.voicePool.filter((choice) => !choice.modelPath || existsSync(choice.modelPath)) };
}

/**
 * The speakers of a job's cues in a stable order (SPEAKER_2 before SPEAKER_10, names as a reader
 * sorts them), not the order they first speak: giving the first line to someone else must not
 * hand every speaker's default voice to another.
 */
export function speakersOf(cues: readonly { speaker?: string | null }[]): string[] {
  const seen = new Set<string>();
  for (const cue of cues) if (cue.speaker) seen.add(cue.speaker);
  return [...seen].sort((a, b) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' }) || (a < b ? -1 : 1));
}

/**
 * Each speaker's voice: a person's pick, else the pool's voice in the speaker's own slot — SPEAKER_3
 * takes the third (the pool again from the start past its end), names the slots after the highest
 * number, in sorted order. A slot depends on the speaker alone, never on anyone's pick, so picking
 * one speaker's voice or moving a line to another speaker never re-voices the rest.
 */
export function assignVoices(speakers: readonly string[], options: Pick<DubJobOptions, 'speech' | 'speakerVoices' | 'voicePool' | 'language'>): Map<string, SpeechChoice> {
  const pool = options.voicePool.length > 0 ? options.voicePool : [options.speech];
  const numberOf = (speaker: string) => {
    const match = /^SPEAKER_(\d+)$/.exec(speaker);
    return match ? Number(match[1]) : null;
  };
  const highest = Math.max(0, ...speakers.map((speaker) => numberOf(speaker) ?? 0));
  const named = speakers.filter((speaker) => numberOf(speaker) === null);
  const assigned = new Map<string, SpeechChoice>();
  for (const speaker of speakers) {
    const number = numberOf(speaker);
    const slot = number !== null ? Math.max(0, number - 1) : highest + named.indexOf(speaker);
    assigned.set(speaker, options.speakerVoices[speaker] ?? pool[slot % pool.length]!);
  }
  return assigned;
}
