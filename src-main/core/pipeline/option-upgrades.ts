// Owns bringing a job's stored options up to the current version, one upgrade per version, the
// way migrations bring the database up to date: a job queued by an older Redub runs (and retries)
// with exactly what it meant then. Version 1 is every option set written before options carried
// a version. An option set from a newer Redub is refused, not guessed at.
import { RedubError } from '../../shared/errors.js';

export interface OptionsUpgrade {
  /** The version this upgrade produces; it reads the one before. */
  version: number;
  what: string;
  upgrade(options: Record<string, unknown>): Record<string, unknown>;
}

export const optionUpgrades: readonly OptionsUpgrade[] = [
  {
    version: 2,
    what: 'the execution provider and the speech engine are always written (jobs from before they existed meant auto and eSpeak NG with `voice`)',
    upgrade: ({ version: _version, ...options }) => ({
      ...options,
      version: 2,
      executionProvider: options.executionProvider ?? 'auto',
      speech: options.speech ?? { engine: 'espeak', voice: options.voice ?? null },
    }),
  },
  {
    version: 3,
    what: 'the subtitle files\' encoding may be named (jobs from before it was meant detected) and the subtitle track may show by default (before, it never was meant to)',
    upgrade: (options) => ({ ...options, version: 3, subtitlesEncoding: options.subtitlesEncoding ?? null, subtitlesShown: options.subtitlesShown ?? false }),
  },
  {
    version: 4,
    what: 'the input may be a URL to download (jobs from before it could be were local files)',
    upgrade: (options) => ({ ...options, version: 4, inputUrl: options.inputUrl ?? null }),
  },
  {
    version: 5,
    what: 'audio files may be added for lip-sync segments (jobs from before had none; their segments could use only the dub)',
    upgrade: (options) => ({ ...options, version: 5, audioRefs: options.audioRefs ?? [] }),
  },
  {
    version: 6,
    what: 'the original may be split into voices and background, speakers found and given voices of their own, stems written (jobs from before ducked the original and spoke every line with one voice)',
    upgrade: (options) => ({
      ...options, version: 6, separation: options.separation ?? null, diarization: options.diarization ?? null,
      speakerVoices: options.speakerVoices ?? {}, voicePool: options.voicePool ?? [], stems: options.stems ?? false,
    }),
  },
];

export const newestOptionsVersion = optionUpgrades.at(-1)?.version ?? 1;

/** The stored options at the newest version (not yet checked against its schema). */
export function upgradeJobOptions(stored: unknown): unknown {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return stored;
  let options = stored as Record<string, unknown>;
  const from = typeof options.version === 'number' ? options.version : 1;
  if (from > newestOptionsVersion) {
    throw new RedubError('E_DATABASE_NEWER', { message: 'This job was queued by a newer version of Redub.', details: [`Its options are version ${from}; this Redub reads up to ${newestOptionsVersion}.`] });
  }
  for (const step of optionUpgrades) if (step.version > from) options = step.upgrade(options);
  return options;
}
