// Settings: the SPEC's defaults, stored under 'app.settings', merged field by field, and what they
// decide for a new dub request.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { appSettingsKey, defaultSettings, readSettings, requestDefaults, writeSettings } from '../../../src-main/core/service/app-settings.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { createStore } from '../queue/store-fixture.js';

describe('app settings', () => {
  const temporary = useTemporaryDirectory();

  it('defaults to cores − 1 workers, auto provider, 1.35× speed, 2048 MB, 240 minutes, system theme, 5 lip-sync segments, no glossary, a 20 GB cache kept 30 days', () => {
    expect(defaultSettings()).toEqual({
      cpuWorkers: Math.max(1, availableParallelism() - 1),
      executionProvider: 'auto',
      maxSpeed: 1.35,
      maxInputMb: 2048,
      maxDurationMinutes: 240,
      theme: 'system',
      maxLipSyncSegments: 5,
      glossary: '',
      artifactBudgetGb: 20,
      artifactMaxAgeDays: 30,
    });
    const { store, close } = createStore(temporary());
    expect(readSettings(store.settings)).toEqual(defaultSettings());
    close();
  });

  it('stores a patch merged over what was there, under app.settings', () => {
    const { store, close } = createStore(temporary());
    writeSettings(store.settings, { maxSpeed: 1.2 });
    const after = writeSettings(store.settings, { theme: 'dark' });
    expect(after).toEqual({ ...defaultSettings(), maxSpeed: 1.2, theme: 'dark' });
    expect(readSettings(store.settings)).toEqual(after);
    expect(store.settings.get(appSettingsKey, null)).toEqual(after);
    close();
  });

  it('falls back to the default for a stored value that no longer validates, keeping the others', () => {
    const { store, close } = createStore(temporary());
    store.settings.set(appSettingsKey, { maxSpeed: 9, theme: 'dark', cpuWorkers: 'many', unknown: true });
    expect(readSettings(store.settings)).toEqual({ ...defaultSettings(), theme: 'dark' });
    store.settings.set(appSettingsKey, 'garbage');
    expect(readSettings(store.settings)).toEqual(defaultSettings());
    close();
  });

  it('turns the limits into bytes and milliseconds for a dub request', () => {
    expect(requestDefaults({ ...defaultSettings(), maxInputMb: 2, maxDurationMinutes: 1.5, maxSpeed: 1.1, maxLipSyncSegments: 3 })).toEqual({
      maxSpeed: 1.1,
      maxLipSyncSegments: 3,
      limits: { maxBytes: 2 * 1024 * 1024, maxDurationMs: 90_000 },
      glossary: [],
    });
  });

  it('gives new requests the settings\' glossary, the request\'s own terms winning', () => {
    const settings = { ...defaultSettings(), glossary: '# studio terms\nsword = espada\nRedub = Redub\n' };
    expect(requestDefaults(settings, [{ source: 'Sword', target: 'sable' }]).glossary).toEqual([
      { source: 'Sword', target: 'sable' },
      { source: 'Redub', target: 'Redub' },
    ]);
  });

  it('takes a lip-sync segment limit of 1 to 100, a whole number', () => {
    const { store, close } = createStore(temporary());
    expect(writeSettings(store.settings, { maxLipSyncSegments: 10 }).maxLipSyncSegments).toBe(10);
    for (const bad of [0, 101, 2.5]) expect(() => writeSettings(store.settings, { maxLipSyncSegments: bad })).toThrow();
    store.settings.set(appSettingsKey, { maxLipSyncSegments: 0 });
    expect(readSettings(store.settings).maxLipSyncSegments).toBe(5);
    close();
  });

  it('refuses a glossary line that is not a term, naming the line', () => {
    const { store, close } = createStore(temporary());
    expect(() => writeSettings(store.settings, { glossary: 'sword = espada\njust words' })).toThrow(/Line 2/);
    close();
  });
});
