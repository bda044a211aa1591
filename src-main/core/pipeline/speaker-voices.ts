// Owns which voice each speaker of a job speaks with: the one a person picked for that speaker,
// else the next voice of the job's pool not already taken (the job's own voice first, then the
// other Piper voices installed for the language, then eSpeak NG variants of the language's voice),
// so by default every speaker sounds like someone else. One function decides it for the stage that
// speaks and for every view that shows it.
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
  const base = speech.engine === 'espeak' && speech.voice ? speech.voice.split('+')[0]! : language;
  // An eSpeak job's voice was checked already, and every variant exists for every voice; a Piper
  // job's language may be one eSpeak NG does not speak, which then has no variants to offer.
  if (speech.engine !== 'espeak') {
    try {
      await checkVoice(language, undefined);
    } catch {
      return pool;
    }
  }
  for (const variant of speakerVariants) pool.push({ engine: 'espeak', voice: `${base}+${variant}` });
  return pool;
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

/** Each speaker's voice: a person's pick, else the pool's next voice that nobody has yet (the pool again from the start once all are taken). */
export function assignVoices(speakers: readonly string[], options: Pick<DubJobOptions, 'speech' | 'speakerVoices' | 'voicePool' | 'language'>): Map<string, SpeechChoice> {
  const assigned = new Map<string, SpeechChoice>();
  const pool = options.voicePool.length > 0 ? options.voicePool : [options.speech];
  const taken = new Set(Object.values(options.speakerVoices).map((choice) => voiceName(choice, options.language)));
  const free = pool.filter((choice) => !taken.has(voiceName(choice, options.language)));
  let next = 0;
  for (const speaker of speakers) {
    const picked = options.speakerVoices[speaker];
    if (picked) {
      assigned.set(speaker, picked);
      continue;
    }
    const candidates = free.length > 0 ? free : pool;
    assigned.set(speaker, candidates[next % candidates.length]!);
    next++;
  }
  return assigned;
}
