// The settings as the core last confirmed them. The form edits a copy and writes back only what
// the core accepted, so this never holds a value that was rejected.
import { create } from 'zustand';
import type { Settings } from '../../src-main/shared/contract.js';
import type { RedubErrorData } from '../../src-main/shared/errors.js';

export interface SettingsState {
  settings: Settings | null;
  /** Why the settings could not be loaded, shown instead of the form. */
  loadError: RedubErrorData | null;
  setSettings(settings: Settings): void;
  setLoadError(error: RedubErrorData): void;
}

export const useSettingsStore = create<SettingsState>()((set) => ({
  settings: null,
  loadError: null,
  setSettings: (settings) => set({ settings, loadError: null }),
  setLoadError: (loadError) => set({ loadError }),
}));
