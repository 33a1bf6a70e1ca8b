// Theme preference: light, dark or auto (follows the system). public/theme-init.js applies the same
// stored value before the first paint; this store keeps it applied afterwards.
import type { Theme } from '../api/types';

export const THEME_KEY = 'sandpod.theme';
const THEMES: Theme[] = ['light', 'dark', 'auto'];

export function readStoredTheme(): Theme {
  try {
    const v = localStorage.getItem(THEME_KEY);
    return THEMES.includes(v as Theme) ? (v as Theme) : 'auto';
  } catch {
    return 'auto';
  }
}

export function resolveTheme(preference: Theme, systemDark: boolean): 'light' | 'dark' {
  return preference === 'auto' ? (systemDark ? 'dark' : 'light') : preference;
}

function systemPrefersDark(): boolean {
  return typeof window !== 'undefined' && !!window.matchMedia?.('(prefers-color-scheme: dark)').matches;
}

class ThemeStore {
  preference = $state<Theme>('auto');
  systemDark = $state(false);
  resolved = $derived(resolveTheme(this.preference, this.systemDark));

  init(): () => void {
    this.preference = readStoredTheme();
    this.systemDark = systemPrefersDark();
    this.apply();
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    const onChange = (e: MediaQueryListEvent) => {
      this.systemDark = e.matches;
      this.apply();
    };
    mq?.addEventListener?.('change', onChange);
    return () => mq?.removeEventListener?.('change', onChange);
  }

  set(theme: Theme): void {
    if (!THEMES.includes(theme)) return;
    this.preference = theme;
    try {
      localStorage.setItem(THEME_KEY, theme);
    } catch {
      // Private mode: the choice still holds for this page.
    }
    this.apply();
  }

  apply(): void {
    const root = document.documentElement;
    const resolved = resolveTheme(this.preference, this.systemDark);
    root.dataset.theme = resolved;
    root.dataset.themePreference = this.preference;
    root.style.colorScheme = resolved;
  }
}

export const theme = new ThemeStore();
