// The signed-in user's settings on the server (event-sourced: GET/PUT /user/settings/, per-section PUTs,
// history and restore). Theme and editor preferences also live on the
// device, so they keep working while the settings API is missing or unreachable.
import { errorText, isUnavailable } from '../api/client';
import { settings as api } from '../api/endpoints';
import type { EditorSettings, NotificationSettings, Theme, UserSettings } from '../api/types';
import { editorPrefs, normalizeEditor } from './prefs.svelte';
import { theme } from './theme.svelte';

/**
 * A theme chosen on this device that the server has not confirmed yet (the page was reloaded or closed
 * while the save was on its way). Until it is confirmed it wins over the server's value, and the next
 * load sends it again — otherwise a quick reload would bring back the old theme.
 */
export const UNSYNCED_THEME_KEY = 'sandpod.theme.unsynced';

function unsyncedTheme(): Theme | null {
  try {
    const v = localStorage.getItem(UNSYNCED_THEME_KEY);
    return v === 'light' || v === 'dark' || v === 'auto' ? v : null;
  } catch {
    return null;
  }
}

function markUnsynced(next: Theme | null, onlyIf?: Theme): void {
  try {
    if (next) localStorage.setItem(UNSYNCED_THEME_KEY, next);
    else if (!onlyIf || localStorage.getItem(UNSYNCED_THEME_KEY) === onlyIf)
      localStorage.removeItem(UNSYNCED_THEME_KEY);
  } catch {
    // Storage blocked: nothing to remember.
  }
}

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
      const pending = unsyncedTheme();
      if (pending && pending !== s.theme) {
        theme.set(pending);
        void this.syncTheme(pending);
      } else {
        markUnsynced(null);
        if (s.theme) theme.set(s.theme);
      }
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
    markUnsynced(next);
    try {
      this.value = await api.theme(next);
      markUnsynced(null, next);
      this.available = true;
      return true;
    } catch (e) {
      if (isUnavailable(e)) {
        this.available = false;
        markUnsynced(null, next);
      }
      throw e;
    }
  }

  /** Sends a theme left unconfirmed by an earlier page; quietly, it is already applied here. */
  private async syncTheme(pending: Theme): Promise<void> {
    try {
      this.value = await api.theme(pending);
      markUnsynced(null, pending);
    } catch (e) {
      if (isUnavailable(e)) markUnsynced(null, pending);
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
