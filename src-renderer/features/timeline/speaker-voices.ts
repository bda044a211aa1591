// Owns what the speakers panel sends and shows: the core replaces every speaker's pick at once (a
// speaker left out goes back to its default), so a change to one speaker's voice is sent with the
// picks of all the others; and how a voice in the core's notation (`piper:<pack>`,
// `espeak:<voice>[+variant]`) reads in a list.
import type { SpeakerView, SpeakerVoicesRequest } from '../../../src-main/shared/cues.js';

/** The select's value for "the speaker's default voice" (no pick). */
export const defaultVoice = '';

/**
 * The request that gives `changedId` the voice `voice` (null or defaultVoice: its default again)
 * and keeps every other speaker as it is: a picked one keeps its pick, an unpicked one is left out
 * so it keeps following the job's defaults.
 */
export function voicesRequest(speakers: readonly SpeakerView[], changedId: string, voice: string | null): SpeakerVoicesRequest {
  const entries: [string, string][] = [];
  for (const speaker of speakers) {
    if (speaker.id === changedId) {
      if (voice !== null && voice !== defaultVoice) entries.push([speaker.id, voice]);
    } else if (speaker.picked) {
      entries.push([speaker.id, speaker.voice]);
    }
  }
  // fromEntries makes own properties: a speaker named "__proto__" is a key like any other.
  return { voices: Object.fromEntries(entries) };
}

/** The voices a speaker's select lists: the job's choices, and the speaker's own voice where they lack it. */
export function voiceOptions(choices: readonly string[], current: string): string[] {
  return choices.includes(current) || current === '' ? [...choices] : [...choices, current];
}

/** "eSpeak NG es, variant f3", "Piper piper-es-es-davefx-medium"; anything else as written. */
export function voiceLabel(voice: string): string {
  const [engine, ...rest] = voice.split(':');
  const name = rest.join(':');
  if (!name) return voice;
  if (engine === 'espeak') {
    const [base, variant] = name.split('+');
    return variant ? `eSpeak NG ${base}, variant ${variant}` : `eSpeak NG ${base}`;
  }
  if (engine === 'piper') return `Piper ${name}`;
  return voice;
}

/** What the select shows for a speaker: its pick, or the default entry. */
export function selectedVoice(speaker: SpeakerView): string {
  return speaker.picked ? speaker.voice : defaultVoice;
}

/** "3 cues", "1 cue". */
export function cueCount(count: number): string {
  return `${count} cue${count === 1 ? '' : 's'}`;
}
