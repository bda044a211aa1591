// What only the window cares about: the page shown, the colour theme, the event stream's state
// and the toasts. Nothing here goes to the core.
import { create } from 'zustand';
import type { RedubErrorData } from '../../src-main/shared/errors.js';

export type ThemePreference = 'system' | 'dark' | 'light';
export type View = 'queue' | 'models' | 'stats' | 'settings' | 'timeline';
export type Connection = 'connecting' | 'open' | 'closed';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
  error?: RedubErrorData;
}

export interface UiState {
  view: View;
  theme: ThemePreference;
  connection: Connection;
  /** Why the first load failed (no token, server gone): shown as a banner over everything. */
  startupError: RedubErrorData | null;
  toasts: readonly Toast[];
  setView(view: View): void;
  setTheme(theme: ThemePreference): void;
  setConnection(connection: Connection): void;
  setStartupError(error: RedubErrorData | null): void;
  pushToast(toast: Omit<Toast, 'id'>): number;
  dismissToast(id: number): void;
}

/** A burst of failures should not bury the window in toasts. */
export const toastLimit = 4;

let nextToastId = 1;

export const useUiStore = create<UiState>()((set) => ({
  view: 'queue',
  theme: 'system',
  connection: 'connecting',
  startupError: null,
  toasts: [],
  setView: (view) => set({ view }),
  setTheme: (theme) => set({ theme }),
  setConnection: (connection) => set({ connection }),
  setStartupError: (startupError) => set({ startupError }),
  pushToast: (toast) => {
    const id = nextToastId++;
    set((state) => ({ toasts: [...state.toasts, { ...toast, id }].slice(-toastLimit) }));
    return id;
  },
  dismissToast: (id) => set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) })),
}));
