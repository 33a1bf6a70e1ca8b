// Editor preferences: kept on the device at once, and in the user's settings when the server has them.
import type { EditorSettings } from '../api/types';

export const EDITOR_KEY = 'sandpod.editor';

export const DEFAULT_EDITOR: EditorSettings = {
  font_size: 14,
  tab_size: 4,
  use_tabs: false,
  word_wrap: true,
  show_line_numbers: true,
};

export const TAB_SIZES = [2, 4, 8];

/** Clamps anything (a stored value, a server answer) into a valid preference set. */
export function normalizeEditor(input: Partial<EditorSettings> | null | undefined): EditorSettings {
  const v = { ...DEFAULT_EDITOR, ...(input ?? {}) };
  const font = Math.round(Number(v.font_size));
  return {
    font_size: Number.isFinite(font) ? Math.min(32, Math.max(8, font)) : DEFAULT_EDITOR.font_size,
    tab_size: TAB_SIZES.includes(Number(v.tab_size)) ? Number(v.tab_size) : DEFAULT_EDITOR.tab_size,
    use_tabs: Boolean(v.use_tabs),
    word_wrap: Boolean(v.word_wrap),
    show_line_numbers: Boolean(v.show_line_numbers),
  };
}

function readStored(): EditorSettings {
  try {
    const raw = localStorage.getItem(EDITOR_KEY);
    return normalizeEditor(raw ? JSON.parse(raw) : null);
  } catch {
    return { ...DEFAULT_EDITOR };
  }
}

class EditorPrefs {
  value = $state<EditorSettings>({ ...DEFAULT_EDITOR });

  load(): void {
    this.value = readStored();
  }

  set(next: Partial<EditorSettings>): void {
    this.value = normalizeEditor({ ...this.value, ...next });
    try {
      localStorage.setItem(EDITOR_KEY, JSON.stringify(this.value));
    } catch {
      // Not persisted on this device; the page still uses it.
    }
  }
}

export const editorPrefs = new EditorPrefs();
