import { describe, expect, it } from 'vitest';
import { DEFAULT_EDITOR, EDITOR_KEY, editorPrefs, normalizeEditor } from './prefs.svelte';

describe('editor preferences', () => {
  it('clamps and validates values', () => {
    expect(normalizeEditor({ font_size: 99, tab_size: 3 })).toEqual({ ...DEFAULT_EDITOR, font_size: 32 });
    expect(normalizeEditor({ font_size: 2, tab_size: 8, use_tabs: true })).toMatchObject({
      font_size: 8,
      tab_size: 8,
      use_tabs: true,
    });
    expect(normalizeEditor(null)).toEqual(DEFAULT_EDITOR);
    expect(normalizeEditor({ font_size: Number.NaN })).toEqual(DEFAULT_EDITOR);
  });

  it('persists on the device', () => {
    editorPrefs.set({ font_size: 18, word_wrap: false });
    expect(JSON.parse(localStorage.getItem(EDITOR_KEY)!)).toMatchObject({ font_size: 18, word_wrap: false });
    editorPrefs.value = { ...DEFAULT_EDITOR };
    editorPrefs.load();
    expect(editorPrefs.value.font_size).toBe(18);
  });

  it('survives corrupt storage', () => {
    localStorage.setItem(EDITOR_KEY, '{nope');
    editorPrefs.load();
    expect(editorPrefs.value).toEqual(DEFAULT_EDITOR);
  });
});
