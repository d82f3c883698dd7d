import { useCallback, useSyncExternalStore } from 'react';

/** The colour theme the desktop shows. */
export type Theme = 'light' | 'dark';

/** The agent's explicit choice, or null to follow the system (`prefers-color-scheme`). */
export type ThemePreference = Theme | null;

/** The agent's choice, kept in this browser across sign-ins; absent: follow the system. */
export const THEME_KEY = 'parlo.theme';

/** The theme shown: the agent's choice if any, else the system's. */
export function effectiveTheme(preference: ThemePreference, systemDark: boolean): Theme {
  return preference ?? (systemDark ? 'dark' : 'light');
}

/**
 * The preference after the switch is flipped: the other theme, stored only while it differs from
 * the system's, so that choosing what the system shows goes back to following the system.
 */
export function toggledPreference(preference: ThemePreference, systemDark: boolean): ThemePreference {
  const next: Theme = effectiveTheme(preference, systemDark) === 'dark' ? 'light' : 'dark';
  return next === (systemDark ? 'dark' : 'light') ? null : next;
}

/** A stored value read back; anything unknown (an old or hand-edited value) follows the system. */
export function parsePreference(stored: string | null): ThemePreference {
  return stored === 'light' || stored === 'dark' ? stored : null;
}

const DARK_QUERY = '(prefers-color-scheme: dark)';
const listeners = new Set<() => void>();

function readPreference(): ThemePreference {
  try {
    return parsePreference(window.localStorage.getItem(THEME_KEY));
  } catch {
    // Storage blocked (privacy mode, policy): follow the system.
    return null;
  }
}

function systemDark(): boolean {
  return window.matchMedia(DARK_QUERY).matches;
}

function currentTheme(): Theme {
  return effectiveTheme(readPreference(), systemDark());
}

/** Sets `data-theme` on <html>, which the style sheets' variables follow. */
export function applyTheme(): void {
  document.documentElement.dataset.theme = currentTheme();
}

function writePreference(preference: ThemePreference): void {
  try {
    if (preference === null) window.localStorage.removeItem(THEME_KEY);
    else window.localStorage.setItem(THEME_KEY, preference);
  } catch {
    console.warn('Could not save the theme preference');
  }
  applyTheme();
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const media = window.matchMedia(DARK_QUERY);
  const onSystem = () => {
    applyTheme();
    listener();
  };
  // Another tab of the same desktop changed it.
  const onStorage = (e: StorageEvent) => {
    if (e.key === THEME_KEY) onSystem();
  };
  media.addEventListener('change', onSystem);
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    media.removeEventListener('change', onSystem);
    window.removeEventListener('storage', onStorage);
  };
}

/** The theme shown, and a toggle to the other one (persisted in localStorage). */
export function useTheme(): [Theme, () => void] {
  const theme = useSyncExternalStore(subscribe, currentTheme);
  const toggle = useCallback(() => writePreference(toggledPreference(readPreference(), systemDark())), []);
  return [theme, toggle];
}
