import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, type Call } from '../test/fakes';
import { userSettings } from '../lib/stores/settings.svelte';
import { theme } from '../lib/stores/theme.svelte';
import Notifications from './Notifications.svelte';
import Settings from './Settings.svelte';

const serverSettings = {
  user_id: 'u1',
  theme: 'light',
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
  editor: { font_size: 16, tab_size: 2, use_tabs: false, word_wrap: true, show_line_numbers: true },
  custom_settings: {},
  version: 3,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-02T00:00:00Z',
};

const note = (id: string, tags: string[], read = false) => ({
  notification_id: id,
  channel: 'in_app',
  status: read ? 'read' : 'delivered',
  subject: `Subject ${id}`,
  body: `Body ${id}`,
  action_url: '/editor',
  created_at: '2026-01-01T00:00:00Z',
  read_at: read ? '2026-01-01T00:01:00Z' : null,
  severity: 'high',
  tags,
});

afterEach(() => {
  vi.unstubAllGlobals();
  userSettings.reset();
});

describe('Settings page', () => {
  it('keeps theme and editor preferences on the device when the settings API is missing', async () => {
    mockFetch({});
    render(Settings);
    expect((await screen.findByTestId('settings-unavailable')).textContent).toMatch(
      /kept on\s+this\s+device/,
    );
    await fireEvent.click(screen.getByTestId('theme-dark'));
    await vi.waitFor(() => expect(theme.preference).toBe('dark'));
    expect(localStorage.getItem('sandpod.theme')).toBe('dark');
    expect(screen.getAllByTestId('unavailable').length).toBeGreaterThan(0);
  });

  it('loads the account’s settings and saves the theme and editor preferences', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/user/settings/': serverSettings,
      'GET /api/v1/user/settings/history': { history: [], limit: 50 },
      'PUT /api/v1/user/settings/theme': { ...serverSettings, theme: 'dark' },
      'PUT /api/v1/user/settings/editor': {
        ...serverSettings,
        editor: { ...serverSettings.editor, font_size: 20 },
      },
    });
    render(Settings);
    await vi.waitFor(() => expect(userSettings.value?.version).toBe(3));
    await fireEvent.click(screen.getByTestId('theme-dark'));
    await vi.waitFor(() => expect(calls.some((c) => c.url.endsWith('/user/settings/theme'))).toBe(true));
    expect(JSON.parse(calls.find((c) => c.url.endsWith('/theme'))!.body!)).toEqual({ theme: 'dark' });

    await fireEvent.input(screen.getByLabelText('Font size (8–32 px)'), { target: { value: '20' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save editor preferences' }));
    await vi.waitFor(() => expect(calls.some((c) => c.url.endsWith('/user/settings/editor'))).toBe(true));
    expect(JSON.parse(calls.find((c) => c.url.endsWith('/editor'))!.body!)).toMatchObject({ font_size: 20 });
  });

  it('restores settings to a point in the history after confirming', async () => {
    const entry = {
      timestamp: '2026-01-01T10:00:00Z',
      event_type: 'user_settings_updated',
      field: 'theme',
      old_value: 'auto',
      new_value: 'light',
      reason: null,
    };
    const { calls } = mockFetch({
      'GET /api/v1/user/settings/': serverSettings,
      'GET /api/v1/user/settings/history': { history: [entry], limit: 50 },
      'POST /api/v1/user/settings/restore': { ...serverSettings, theme: 'auto' },
    });
    render(Settings);
    const restore = await screen.findByRole('button', { name: /Restore settings as of/ });
    expect(screen.getByText('auto')).toBeTruthy();
    await fireEvent.click(restore);
    await fireEvent.click(screen.getByRole('button', { name: 'Restore', hidden: true }));
    await vi.waitFor(() => expect(calls.some((c) => c.url.endsWith('/restore'))).toBe(true));
    expect(JSON.parse(calls.find((c) => c.url.endsWith('/restore'))!.body!)).toMatchObject({
      timestamp: '2026-01-01T10:00:00Z',
    });
    await vi.waitFor(() => expect(theme.preference).toBe('auto'));
  });
});

describe('Notifications page', () => {
  it('shows an unavailable state when the API is missing', async () => {
    mockFetch({});
    render(Notifications);
    expect((await screen.findByTestId('unavailable')).textContent).toMatch(/Notifications is unavailable/);
  });

  it('lists, filters by tag, marks read and marks all read', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/notifications': (call: Call) => {
        const tags = new URL(call.url, 'http://x').searchParams.getAll('include_tags');
        const all = [note('a', ['execution', 'completed']), note('b', ['execution', 'failed'])];
        const list = tags.length ? all.filter((n) => n.tags.some((t) => tags.includes(t))) : all;
        return new Response(JSON.stringify({ notifications: list, total: list.length, unread_count: 2 }), {
          headers: { 'content-type': 'application/json' },
        });
      },
      'PUT /api/v1/notifications/a/read': new Response(null, { status: 204 }),
      'POST /api/v1/notifications/mark-all-read': new Response(null, { status: 204 }),
    });
    render(Notifications);
    expect(await screen.findAllByTestId('notification-item')).toHaveLength(2);
    await fireEvent.click(screen.getByRole('button', { name: 'failed' }));
    await vi.waitFor(() => expect(screen.getAllByTestId('notification-item')).toHaveLength(1));
    expect(calls.at(-1)!.url).toContain('include_tags=failed');
    expect(screen.getByRole('button', { name: 'failed' }).getAttribute('aria-pressed')).toBe('true');
    await fireEvent.click(screen.getByRole('button', { name: 'failed' }));
    await vi.waitFor(() => expect(screen.getAllByTestId('notification-item')).toHaveLength(2));

    await fireEvent.click(screen.getByRole('button', { name: 'Mark “Subject a” as read' }));
    await vi.waitFor(() => expect(screen.getByTestId('unread-total').textContent).toBe('1 unread'));
    await fireEvent.click(screen.getByRole('button', { name: 'Mark all read' }));
    await vi.waitFor(() => expect(screen.getByTestId('unread-total').textContent).toBe('0 unread'));
    expect(calls.some((c) => c.url.endsWith('/mark-all-read') && c.method === 'POST')).toBe(true);
  });

  it("offers tags worth filtering by as chips, not each run's own tag, which the prefix still finds", async () => {
    const { calls } = mockFetch({
      'GET /api/v1/notifications': (call: Call) => {
        const prefix = new URL(call.url, 'http://x').searchParams.get('tag_prefix');
        const all = [
          note('a', ['execution', 'completed', 'lang:python', 'execution:abc']),
          note('b', ['execution', 'failed', 'lang:go', 'execution:def']),
          note('c', ['deploy']),
        ];
        const list = prefix ? all.filter((n) => n.tags.some((t) => t.startsWith(prefix))) : all;
        return new Response(JSON.stringify({ notifications: list, total: list.length, unread_count: 3 }), {
          headers: { 'content-type': 'application/json' },
        });
      },
    });
    render(Notifications);
    expect(await screen.findAllByTestId('notification-item')).toHaveLength(3);

    const chips = screen.getByLabelText('Filter by tag').querySelectorAll('button');
    expect([...chips].map((b) => b.textContent)).toEqual([
      'completed',
      'deploy',
      'execution',
      'failed',
      'lang:go',
      'lang:python',
    ]);

    const prefix = screen.getByLabelText('Tag prefix');
    await fireEvent.input(prefix, { target: { value: 'execution:abc' } });
    await fireEvent.keyDown(prefix, { key: 'Enter' });
    await vi.waitFor(() => expect(screen.getAllByTestId('notification-item')).toHaveLength(1));
    expect(calls.at(-1)!.url).toContain('tag_prefix=execution%3Aabc');
    expect(screen.getByText('Subject a')).toBeTruthy();
    expect(screen.getByLabelText('Filter by tag').querySelectorAll('button')).toHaveLength(6);
  });
});
