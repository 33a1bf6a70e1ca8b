import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../../test/fakes';
import { notificationCenter } from '../stores/notifications.svelte';
import { toasts } from '../stores/toasts.svelte';
import NotificationBell from './NotificationBell.svelte';
import Toasts from './Toasts.svelte';
import Unavailable from './Unavailable.svelte';

afterEach(() => {
  vi.unstubAllGlobals();
  notificationCenter.stop();
  toasts.clear();
});

describe('Unavailable', () => {
  it('says what is unavailable and offers a retry', async () => {
    const retry = vi.fn();
    render(Unavailable, { title: 'Saved scripts', onRetry: retry });
    expect(screen.getByRole('status').textContent).toContain('Saved scripts is unavailable');
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalled();
  });
});

describe('NotificationBell', () => {
  it('shows the unread count in its label and badge, and the newest items', async () => {
    mockFetch({
      'GET /api/v1/notifications': {
        notifications: [
          {
            notification_id: 'n1',
            channel: 'in_app',
            status: 'delivered',
            subject: 'Execution completed',
            body: '',
            action_url: '/editor',
            created_at: new Date().toISOString(),
            read_at: null,
            severity: 'medium',
            tags: [],
          },
        ],
        total: 1,
        unread_count: 1,
      },
    });
    await notificationCenter.refresh();
    render(NotificationBell);
    const bell = screen.getByTestId('notification-bell');
    expect(bell.getAttribute('aria-label')).toBe('Notifications, 1 unread');
    expect(screen.getByTestId('unread-badge').textContent).toBe('1');
    await fireEvent.click(bell);
    expect(bell.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByText('Execution completed')).toBeTruthy();
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(bell.getAttribute('aria-expanded')).toBe('false');
  });

  it('says so when notifications are unavailable', async () => {
    mockFetch({});
    await notificationCenter.refresh();
    render(NotificationBell);
    await fireEvent.click(screen.getByTestId('notification-bell'));
    expect(screen.getByText('Notifications are unavailable on this server.')).toBeTruthy();
  });
});

describe('Toasts', () => {
  it('announces messages and can be dismissed', async () => {
    render(Toasts);
    toasts.success('Saved');
    toasts.error('Broken');
    await vi.waitFor(() => expect(screen.getByText('Saved')).toBeTruthy());
    expect(screen.getByRole('alert').textContent).toContain('Broken');
    await fireEvent.click(screen.getAllByRole('button', { name: 'Dismiss notification' })[0]);
    expect(screen.queryByText('Saved')).toBeNull();
  });
});
