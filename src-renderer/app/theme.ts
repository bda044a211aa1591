// Applies the colour theme: the setting picks dark, light, or the system's preference; the choice
// is also remembered locally so the first paint is right before the settings have loaded.
import type { ThemePreference } from '../stores/ui-store.js';

const storageKey = 'redub.theme';

export function resolveTheme(preference: ThemePreference, systemPrefersDark: boolean): 'dark' | 'light' {
  if (preference === 'system') return systemPrefersDark ? 'dark' : 'light';
  return preference;
}

export function rememberedTheme(): ThemePreference {
  try {
    const value = localStorage.getItem(storageKey);
    return value === 'dark' || value === 'light' ? value : 'system';
  } catch {
    return 'system';
  }
}

/** Sets data-theme on <html> and follows the system while the preference is 'system'. Returns the cleanup. */
export function applyTheme(preference: ThemePreference): () => void {
  try {
    localStorage.setItem(storageKey, preference);
  } catch {
    // Without storage the theme still applies; it is only not remembered for the next first paint.
  }
  const query = window.matchMedia('(prefers-color-scheme: dark)');
  const update = () => {
    document.documentElement.dataset.theme = resolveTheme(preference, query.matches);
  };
  update();
  if (preference !== 'system') return () => undefined;
  query.addEventListener('change', update);
  return () => query.removeEventListener('change', update);
}
