// Owns the app's settings as people change them (desktop settings page, PATCH /settings): their
// defaults, where they are kept (one JSON value under 'app.settings' in the settings table) and
// what they mean for a new dub request. A setting applies to jobs created after the change.
import { availableParallelism } from 'node:os';
import { settingsSchema, type Settings, type SettingsPatch } from '../../shared/contract.js';
import { mergeGlossaries, parseGlossaryText, type GlossaryEntry } from '../../shared/glossary.js';
import { defaultMaxLipSyncSegments } from '../../shared/lipsync.js';
import type { DubRequest } from '../pipeline/prepare-dub.js';
import type { SettingsTable } from '../store/settings-table.js';

export const appSettingsKey = 'app.settings';

export function defaultSettings(): Settings {
  return {
    // SPEC §2: CPU stages default to cores − 1, leaving one core to the app itself.
    cpuWorkers: Math.min(64, Math.max(1, availableParallelism() - 1)),
    executionProvider: 'auto',
    maxSpeed: 1.35,
    maxInputMb: 2048,
    maxDurationMinutes: 240,
    theme: 'system',
    // SPEC §3: the seeds allowed 5 segments a job (Pro).
    maxLipSyncSegments: defaultMaxLipSyncSegments,
    glossary: '',
    artifactBudgetGb: 20,
    artifactMaxAgeDays: 30,
  };
}

/** The stored settings over the defaults. Each stored value is checked on its own, so one value
 * that no longer validates (an older version wrote it, someone edited the database) falls back
 * to its default without taking the others with it. */
export function readSettings(settingsTable: SettingsTable): Settings {
  const stored = settingsTable.get<unknown>(appSettingsKey, {});
  const settings: Record<string, unknown> = { ...defaultSettings() };
  if (typeof stored === 'object' && stored !== null && !Array.isArray(stored)) {
    for (const [key, value] of Object.entries(stored)) {
      const field = settingsSchema.shape[key as keyof Settings];
      if (field?.safeParse(value).success) settings[key] = value;
    }
  }
  return settings as Settings;
}

/** Merges an already validated patch and stores the result; returns the settings now in force. */
export function writeSettings(settingsTable: SettingsTable, patch: SettingsPatch): Settings {
  const next = settingsSchema.parse({ ...readSettings(settingsTable), ...definedOnly(patch) });
  settingsTable.set(appSettingsKey, next);
  return next;
}

/** What the settings decide about a dub request: the speed bound, the input limits, the segment limit and the glossary. */
export function requestDefaults(settings: Settings, requestGlossary: readonly GlossaryEntry[] = []): Pick<DubRequest, 'maxSpeed' | 'limits' | 'glossary' | 'maxLipSyncSegments'> {
  return {
    maxLipSyncSegments: settings.maxLipSyncSegments,
    // The request's own terms win over the settings' for the same term.
    glossary: mergeGlossaries(parseGlossaryText(settings.glossary).entries, requestGlossary),
    maxSpeed: settings.maxSpeed,
    limits: {
      maxBytes: Math.round(settings.maxInputMb * 1024 * 1024),
      maxDurationMs: Math.round(settings.maxDurationMinutes * 60_000),
    },
  };
}

function definedOnly(patch: SettingsPatch): SettingsPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as SettingsPatch;
}

/** The cache budget the settings set, in the units pruning counts in. */
export function pruneBudget(settings: Settings): { maxBytes: number; maxAgeMs: number } {
  return { maxBytes: Math.round(settings.artifactBudgetGb * 1024 ** 3), maxAgeMs: Math.round(settings.artifactMaxAgeDays * 24 * 3600_000) };
}
