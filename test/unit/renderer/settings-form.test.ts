import { describe, expect, it } from 'vitest';
import type { Settings } from '../../../src-main/shared/contract.js';
import { formFromSettings, patchFromForm } from '../../../src-renderer/features/settings/settings-form.js';

const saved: Settings = { cpuWorkers: 3, executionProvider: 'auto', maxSpeed: 1.35, maxInputMb: 200, maxDurationMinutes: 120, theme: 'system', glossary: 'sword = espada', artifactBudgetGb: 20, artifactMaxAgeDays: 30, maxLipSyncSegments: 5 };

describe('patchFromForm', () => {
  it('sends only the fields that changed, as numbers where numbers are due', () => {
    const form = { ...formFromSettings(saved), cpuWorkers: ' 4 ', theme: 'dark' };
    expect(patchFromForm(form, saved)).toEqual({ ok: true, patch: { cpuWorkers: 4, theme: 'dark' } });
  });

  it('sends an empty patch when nothing changed', () => {
    expect(patchFromForm(formFromSettings(saved), saved)).toEqual({ ok: true, patch: {} });
  });

  it('rejects values outside the contract’s schema, naming the field', () => {
    const result = patchFromForm({ ...formFromSettings(saved), maxSpeed: '3', cpuWorkers: '2.5' }, saved);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.problems).sort()).toEqual(['cpuWorkers', 'maxSpeed']);
  });

  it('says "Enter a number." for an empty or non-numeric box', () => {
    const result = patchFromForm({ ...formFromSettings(saved), maxInputMb: '', maxDurationMinutes: 'ten' }, saved);
    expect(result).toEqual({ ok: false, problems: { maxInputMb: 'Enter a number.', maxDurationMinutes: 'Enter a number.' } });
  });

  it('keeps the glossary\'s lines as typed and names a line that is not a term', () => {
    expect(patchFromForm({ ...formFromSettings(saved), glossary: 'sword = espada\nRedub = Redub\n' }, saved)).toEqual({ ok: true, patch: { glossary: 'sword = espada\nRedub = Redub\n' } });
    const result = patchFromForm({ ...formFromSettings(saved), glossary: 'sword = espada\nonly a term' }, saved);
    expect(result).toEqual({ ok: false, problems: { glossary: expect.stringContaining('Line 2') } });
  });

  it('rejects an execution provider the contract does not know', () => {
    const result = patchFromForm({ ...formFromSettings(saved), executionProvider: 'tpu' }, saved);
    expect(result.ok).toBe(false);
  });
});
