// Light and dark themes: the system's preference unless the user picked one (kept in localStorage).
export type ThemePref = 'system' | 'light' | 'dark';

const KEY = 'mindstorm:theme';

export function loadTheme(): ThemePref {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

/** The theme actually shown for a preference. */
export function effectiveTheme(pref: ThemePref): 'light' | 'dark' {
  if (pref !== 'system') return pref;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Applies a preference to <html> (data-theme drives the CSS variables) and remembers it. */
export function applyTheme(pref: ThemePref, remember = true): void {
  const root = document.documentElement;
  if (pref === 'system') delete root.dataset.theme;
  else root.dataset.theme = pref;
  if (remember) {
    try {
      if (pref === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, pref);
    } catch {
      /* private mode: the choice lasts this visit */
    }
  }
}
