// The settings form's values (strings, as inputs hold them) and the patch made from them: only
// the fields that changed, checked with the contract's own schema before anything is sent, so
// the form and the core reject the same things with the same words.
import { settingsPatchSchema, type Settings, type SettingsPatch } from '../../../src-main/shared/contract.js';

export type SettingsForm = Record<keyof Settings, string>;

export const settingsFields: readonly (keyof Settings)[] = ['cpuWorkers', 'executionProvider', 'maxSpeed', 'maxInputMb', 'maxDurationMinutes', 'artifactBudgetGb', 'artifactMaxAgeDays', 'theme', 'glossary'];
const numericFields = new Set<keyof Settings>(['cpuWorkers', 'maxSpeed', 'maxInputMb', 'maxDurationMinutes', 'artifactBudgetGb', 'artifactMaxAgeDays']);

export function formFromSettings(settings: Settings): SettingsForm {
  return Object.fromEntries(settingsFields.map((field) => [field, String(settings[field])])) as SettingsForm;
}

export type PatchResult = { ok: true; patch: SettingsPatch } | { ok: false; problems: Partial<Record<keyof Settings | 'request', string>> };

/** The changed fields as a validated patch, or a sentence per field that is wrong. */
export function patchFromForm(form: SettingsForm, saved: Settings): PatchResult {
  const raw: Record<string, unknown> = {};
  const problems: Partial<Record<keyof Settings | 'request', string>> = {};
  for (const field of settingsFields) {
    // The glossary keeps its lines as typed; other fields are single values.
    const text = field === 'glossary' ? form[field] : form[field].trim();
    if (text === String(saved[field])) continue;
    if (!numericFields.has(field)) raw[field] = text;
    else if (text === '' || !Number.isFinite(Number(text))) problems[field] = 'Enter a number.';
    else raw[field] = Number(text);
  }
  const parsed = settingsPatchSchema.safeParse(raw);
  if (parsed.success && Object.keys(problems).length === 0) return { ok: true, patch: parsed.data };
  for (const issue of parsed.error?.issues ?? []) {
    const field = (issue.path[0] as keyof Settings | undefined) ?? 'request';
    problems[field] ??= issue.message;
  }
  return { ok: false, problems };
}
