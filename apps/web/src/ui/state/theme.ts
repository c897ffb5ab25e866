import { useLayoutEffect, useState } from 'preact/hooks';

/** The colour theme: follow the system (`prefers-color-scheme`), or force one. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'skein-theme';
const NEXT: Readonly<Record<ThemeChoice, ThemeChoice>> = { system: 'light', light: 'dark', dark: 'system' };

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

/** Applies a theme to the document: `data-theme` on `<html>`, absent for the system's. */
export function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', choice);
}

/** Applies the stored theme before the first render, so the page does not flash. */
export function applyStoredTheme(): void {
  applyTheme(stored());
}

/** The theme choice and a function that moves to the next one (system → light → dark), kept in localStorage. */
export function useTheme(): [ThemeChoice, () => void] {
  const [choice, setChoice] = useState<ThemeChoice>(stored);
  // Before paint: the page never shows the old theme after a click.
  useLayoutEffect(() => {
    applyTheme(choice);
    try {
      if (choice === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, choice);
    } catch {
      // storage disabled: the choice lasts for this page only
    }
  }, [choice]);
  return [choice, () => setChoice((c) => NEXT[c])];
}
