import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockFetch } from '../../test/fakes';
import { UNSYNCED_THEME_KEY, userSettings } from './settings.svelte';
import { THEME_KEY, theme } from './theme.svelte';

const server = (themeName: string) => ({
  user_id: 'u1',
  theme: themeName,
  timezone: 'UTC',
  date_format: 'YYYY-MM-DD',
  time_format: '24h',
  notifications: {
    execution_completed: true,
    execution_failed: true,
    system_updates: false,
    security_alerts: true,
    channels: ['in_app'],
  },
  editor: { font_size: 14, tab_size: 4, use_tabs: false, word_wrap: false, show_line_numbers: true },
  custom_settings: {},
  version: 1,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
});

afterEach(() => {
  vi.unstubAllGlobals();
  userSettings.reset();
});

describe('theme saved to the account', () => {
  it('takes the server’s theme when nothing chosen here is waiting to be saved', async () => {
    theme.set('light');
    mockFetch({ 'GET /api/v1/user/settings/': server('dark') });
    await userSettings.load();
    expect(theme.preference).toBe('dark');
    expect(localStorage.getItem(THEME_KEY)).toBe('dark');
  });

  it('forgets the pending mark once the server confirmed the choice', async () => {
    mockFetch({ 'PUT /api/v1/user/settings/theme': server('dark') });
    await userSettings.saveTheme('dark');
    expect(localStorage.getItem(UNSYNCED_THEME_KEY)).toBeNull();
  });

  it('keeps a choice the page was reloaded on before the server confirmed it, and sends it again', async () => {
    // The earlier page applied "dark" and was gone before its PUT came back.
    mockFetch({ 'PUT /api/v1/user/settings/theme': () => new Promise<Response>(() => {}) });
    void userSettings.saveTheme('dark');
    expect(localStorage.getItem(UNSYNCED_THEME_KEY)).toBe('dark');
    userSettings.reset();

    // The next page asks the server, which still has "light".
    const { calls } = mockFetch({
      'GET /api/v1/user/settings/': server('light'),
      'PUT /api/v1/user/settings/theme': server('dark'),
    });
    await userSettings.load();
    expect(theme.preference).toBe('dark');
    await vi.waitFor(() =>
      expect(calls.some((c) => c.method === 'PUT' && c.body?.includes('"dark"'))).toBe(true),
    );
    await vi.waitFor(() => expect(localStorage.getItem(UNSYNCED_THEME_KEY)).toBeNull());
  });

  it('drops the pending mark when the server has no settings API', async () => {
    mockFetch({ 'PUT /api/v1/user/settings/theme': json({ detail: 'Not Found', type: 'NotFound' }, 404) });
    await userSettings.saveTheme('dark').catch(() => false);
    expect(theme.preference).toBe('dark');
    expect(localStorage.getItem(UNSYNCED_THEME_KEY)).toBeNull();
  });
});
