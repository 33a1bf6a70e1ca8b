// The signed-in user's settings on the server (SPEC §8). Theme and editor preferences also live on the
// device, so they keep working while the settings API is missing or unreachable.
import { errorText, isUnavailable } from '../api/client';
import { settings as api } from '../api/endpoints';
import type { EditorSettings, NotificationSettings, Theme, UserSettings } from '../api/types';
import { editorPrefs, normalizeEditor } from './prefs.svelte';
import { theme } from './theme.svelte';

class UserSettingsStore {
  value = $state<UserSettings | null>(null);
  /** null: not asked yet; false: the server has no settings API (yet) or did not answer. */
  available = $state<boolean | null>(null);
  error = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      const s = await api.get();
      this.value = s;
      this.available = true;
      this.error = null;
      if (s.theme) theme.set(s.theme);
      if (s.editor) editorPrefs.set(normalizeEditor(s.editor));
    } catch (e) {
      this.available = isUnavailable(e) ? false : this.available;
      this.error = errorText(e);
    }
  }

  reset(): void {
    this.value = null;
    this.available = null;
    this.error = null;
  }

  /** Applies locally at once; returns false when the server could not store it. */
  async saveTheme(next: Theme): Promise<boolean> {
    theme.set(next);
    if (this.available === false) return false;
    try {
      this.value = await api.theme(next);
      this.available = true;
      return true;
    } catch (e) {
      if (isUnavailable(e)) this.available = false;
      throw e;
    }
  }

  async saveEditor(next: EditorSettings): Promise<boolean> {
    editorPrefs.set(next);
    if (this.available === false) return false;
    try {
      this.value = await api.editor(normalizeEditor(next));
      this.available = true;
      return true;
    } catch (e) {
      if (isUnavailable(e)) this.available = false;
      throw e;
    }
  }

  async saveNotifications(next: NotificationSettings): Promise<void> {
    this.value = await api.notifications(next);
  }

  async restore(timestamp: string): Promise<void> {
    const s = await api.restore({ timestamp, reason: 'Restored from the settings page' });
    this.value = s;
    if (s.theme) theme.set(s.theme);
    if (s.editor) editorPrefs.set(normalizeEditor(s.editor));
  }
}

export const userSettings = new UserSettingsStore();
