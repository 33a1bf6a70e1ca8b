import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveTheme, theme, THEME_KEY } from './theme.svelte';
import initScript from '../../../public/theme-init.js?raw';

function setSystemDark(dark: boolean) {
  vi.stubGlobal(
    'matchMedia',
    vi.fn((q: string) => ({
      matches: dark && q.includes('dark'),
      media: q,
      addEventListener: () => {},
      removeEventListener: () => {},
    })),
  );
  window.matchMedia = globalThis.matchMedia;
}

afterEach(() => {
  vi.unstubAllGlobals();
  document.documentElement.removeAttribute('data-theme');
});

describe('theme', () => {
  it('resolves auto from the system preference', () => {
    expect(resolveTheme('auto', true)).toBe('dark');
    expect(resolveTheme('auto', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
  });

  it('applies and remembers a choice', () => {
    theme.init();
    theme.set('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(document.documentElement.style.colorScheme).toBe('dark');
    expect(localStorage.getItem(THEME_KEY)).toBe('dark');
    theme.set('light');
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('ignores values that are not themes', () => {
    theme.set('dark');
    theme.set('purple' as never);
    expect(theme.preference).toBe('dark');
  });

  it('reads a stored choice on start', () => {
    localStorage.setItem(THEME_KEY, 'dark');
    theme.init();
    expect(theme.preference).toBe('dark');
    expect(theme.resolved).toBe('dark');
  });
});

describe('theme-init.js (runs before the first paint)', () => {
  it('applies a stored dark theme', () => {
    localStorage.setItem(THEME_KEY, 'dark');
    setSystemDark(false);
    new Function(initScript)();
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
  });

  it('follows the system in auto', () => {
    localStorage.setItem(THEME_KEY, 'auto');
    setSystemDark(true);
    new Function(initScript)();
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
    setSystemDark(false);
    new Function(initScript)();
    expect(document.documentElement.getAttribute('data-theme')).toBe('light');
  });

  it('treats garbage as auto', () => {
    localStorage.setItem(THEME_KEY, '<script>');
    setSystemDark(false);
    new Function(initScript)();
    expect(document.documentElement.getAttribute('data-theme')).toBe('light');
    expect(document.documentElement.getAttribute('data-theme-preference')).toBe('auto');
  });
});
