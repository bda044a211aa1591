// The settings form. Values are checked with the contract's schema before sending; what the core
// still refuses comes back as its own sentence and action, shown above the form.
import { useEffect, useState, type ReactNode } from 'react';
import { settingsSchema, type Settings } from '../../../src-main/shared/contract.js';
import type { RedubErrorData } from '../../../src-main/shared/errors.js';
import { api, toApiError } from '../../bridge/index.js';
import { ErrorNotice } from '../../common/error-notice.js';
import { useSettingsStore } from '../../stores/settings-store.js';
import { useUiStore } from '../../stores/ui-store.js';
import { formFromSettings, patchFromForm, type PatchResult, type SettingsForm } from './settings-form.js';
import './settings.css';

const providers = settingsSchema.shape.executionProvider.options;
const themes = settingsSchema.shape.theme.options;

type Problems = Extract<PatchResult, { ok: false }>['problems'];

function Field({ name, label, hint, problem, children }: { name: keyof Settings; label: string; hint: string; problem: string | undefined; children: ReactNode }) {
  return (
    <div className="settings-field">
      <label htmlFor={`setting-${name}`} className="field__label">
        {label}
      </label>
      {children}
      <p className="settings-field__hint" id={`setting-${name}-hint`}>
        {hint}
      </p>
      {problem ? (
        <p className="settings-field__problem" id={`setting-${name}-problem`} data-testid={`setting-problem-${name}`}>
          {problem}
        </p>
      ) : null}
    </div>
  );
}

export function SettingsPage() {
  const settings = useSettingsStore((state) => state.settings);
  const loadError = useSettingsStore((state) => state.loadError);
  const setSettings = useSettingsStore((state) => state.setSettings);
  const pushToast = useUiStore((state) => state.pushToast);
  const [form, setForm] = useState<SettingsForm | null>(settings ? formFromSettings(settings) : null);
  const [problems, setProblems] = useState<Problems>({});
  const [rejected, setRejected] = useState<RedubErrorData | null>(null);
  const [saving, setSaving] = useState(false);

  // The first load may land after this page opened.
  useEffect(() => {
    if (settings && !form) setForm(formFromSettings(settings));
  }, [settings, form]);

  if (loadError && !settings) return <ErrorNotice error={loadError} title="The settings could not be loaded." testId="settings-load-error" />;
  if (!settings || !form) return <p className="muted">Loading the settings…</p>;

  const change = (name: keyof Settings, value: string) => setForm({ ...form, [name]: value });
  const inputProps = (name: keyof Settings) => ({
    id: `setting-${name}`,
    name,
    value: form[name],
    'data-testid': `setting-${name}`,
    'aria-invalid': problems[name] ? true : undefined,
    'aria-describedby': `setting-${name}-hint${problems[name] ? ` setting-${name}-problem` : ''}`,
  });

  const reset = () => {
    setForm(formFromSettings(settings));
    setProblems({});
    setRejected(null);
  };

  const save = async () => {
    setRejected(null);
    const result = patchFromForm(form, settings);
    if (!result.ok) {
      setProblems(result.problems);
      return;
    }
    setProblems({});
    if (Object.keys(result.patch).length === 0) return;
    setSaving(true);
    try {
      const saved = await api.updateSettings(result.patch);
      setSettings(saved);
      setForm(formFromSettings(saved));
      pushToast({ kind: 'info', text: 'Settings saved.' });
    } catch (error) {
      setRejected(toApiError(error).data);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="page settings-page" aria-labelledby="settings-heading">
      <h1 id="settings-heading">Settings</h1>
      {rejected ? <ErrorNotice error={rejected} title="The settings were not saved." testId="settings-error" /> : null}
      {problems.request ? <p className="settings-field__problem">{problems.request}</p> : null}
      <form
        className="settings-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Field name="cpuWorkers" label="CPU workers" hint="Worker processes for the CPU stages (1–64)." problem={problems.cpuWorkers}>
          <input type="number" min={1} max={64} step={1} {...inputProps('cpuWorkers')} onChange={(event) => change('cpuWorkers', event.target.value)} />
        </Field>
        <Field name="executionProvider" label="Execution provider" hint="Where neural engines run; auto picks a GPU when there is one and falls back to the CPU." problem={problems.executionProvider}>
          <select {...inputProps('executionProvider')} onChange={(event) => change('executionProvider', event.target.value)}>
            {providers.map((provider) => (
              <option key={provider} value={provider}>
                {provider}
              </option>
            ))}
          </select>
        </Field>
        <Field name="maxSpeed" label="Fastest speech" hint="How much a line may be sped up to fit its slot (1–2×); longer lines are flagged instead." problem={problems.maxSpeed}>
          <input type="number" min={1} max={2} step={0.05} {...inputProps('maxSpeed')} onChange={(event) => change('maxSpeed', event.target.value)} />
        </Field>
        <Field name="maxInputMb" label="Largest input (MB)" hint="Videos larger than this are refused before queuing." problem={problems.maxInputMb}>
          <input type="number" min={1} step={1} {...inputProps('maxInputMb')} onChange={(event) => change('maxInputMb', event.target.value)} />
        </Field>
        <Field name="maxDurationMinutes" label="Longest input (minutes)" hint="Videos longer than this are refused before queuing." problem={problems.maxDurationMinutes}>
          <input type="number" min={1} max={1440} step={1} {...inputProps('maxDurationMinutes')} onChange={(event) => change('maxDurationMinutes', event.target.value)} />
        </Field>
        <Field name="artifactBudgetGb" label="Cache size (GB)" hint="The most the cache of stage results may hold; the least recently used go first. Your dubbed files are never removed." problem={problems.artifactBudgetGb}>
          <input type="number" min={0.1} step={1} {...inputProps('artifactBudgetGb')} onChange={(event) => change('artifactBudgetGb', event.target.value)} />
        </Field>
        <Field name="artifactMaxAgeDays" label="Cache age (days)" hint="Stage results unused for longer than this are removed after the next job." problem={problems.artifactMaxAgeDays}>
          <input type="number" min={1} max={3650} step={1} {...inputProps('artifactMaxAgeDays')} onChange={(event) => change('artifactMaxAgeDays', event.target.value)} />
        </Field>
        <Field name="theme" label="Theme" hint="System follows your operating system's light or dark mode." problem={problems.theme}>
          <select {...inputProps('theme')} onChange={(event) => change('theme', event.target.value)}>
            {themes.map((theme) => (
              <option key={theme} value={theme}>
                {theme}
              </option>
            ))}
          </select>
        </Field>
        <Field name="glossary" label="Glossary" hint='Terms fixed in every machine translation, one per line: "term = translation" (or term, Tab, translation). Lines starting with # are notes.' problem={problems.glossary}>
          <textarea rows={6} spellCheck={false} placeholder={'# names stay as they are\nRedub = Redub\nsword = espada'} {...inputProps('glossary')} onChange={(event) => change('glossary', event.target.value)} />
        </Field>
        <div className="settings-form__actions">
          <button type="submit" className="button button--primary" data-testid="settings-save" disabled={saving}>
            {saving ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="button" disabled={saving} onClick={reset}>
            Undo changes
          </button>
        </div>
      </form>
    </section>
  );
}
