import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { notificationCenter } from './lib/stores/notifications.svelte';
import { router } from './lib/stores/router.svelte';
import { session } from './lib/stores/session.svelte';
import { userSettings } from './lib/stores/settings.svelte';
import { json, mockFetch } from './test/fakes';

// The shell as the route table drives it: redirects, "Page not found", titles, lazy pages and the nav.

const user = { username: 'user', email: 'u@example.org', role: 'user', is_active: true, user_id: 'u1' };

afterEach(() => {
  vi.unstubAllGlobals();
  notificationCenter.stop();
  userSettings.reset();
  session.clear();
});

describe('App shell', () => {
  it('sends a signed-out visitor of a protected page to sign in, with the way back', async () => {
    mockFetch({ 'GET /api/v1/auth/me': json({ detail: 'Not authenticated', type: 'AuthError' }, 401) });
    router.navigate('/settings?tab=editor');
    render(App);
    await vi.waitFor(() => expect(router.path).toBe('/login'));
    expect(router.query.get('next')).toBe('/settings?tab=editor');
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(document.title).toBe('Sign in · Sandpod');
    expect(screen.queryByRole('navigation', { name: 'Main' })?.querySelectorAll('a')).toHaveLength(0);
  });

  it('answers an unknown path with "Page not found"', async () => {
    mockFetch({ 'GET /api/v1/auth/me': json({ detail: 'Not authenticated', type: 'AuthError' }, 401) });
    router.navigate('/no/such/page');
    render(App);
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeTruthy();
    expect(document.title).toBe('Not found · Sandpod');
    expect(router.path).toBe('/no/such/page');
  });

  it('sends a signed-in visitor of sign in on to next, loads the page lazily and marks it in the nav', async () => {
    mockFetch({ 'GET /api/v1/auth/me': user });
    router.navigate('/login?next=%2Fsettings');
    render(App);
    await vi.waitFor(() => expect(router.path).toBe('/settings'));
    expect(await screen.findByRole('heading', { name: 'Settings', level: 1 })).toBeTruthy();
    expect(document.title).toBe('Settings · Sandpod');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect([...nav.querySelectorAll('a')].map((a) => a.textContent)).toEqual([
      'Editor',
      'Notifications',
      'Settings',
    ]);
    expect(nav.querySelector('[aria-current="page"]')?.textContent).toBe('Settings');
  });

  it('sends a signed-in user who opens /admin home, without showing the admin area', async () => {
    mockFetch({ 'GET /api/v1/auth/me': user });
    router.navigate('/admin/users');
    render(App);
    await vi.waitFor(() => expect(router.path).toBe('/'));
    expect(screen.queryByRole('navigation', { name: 'Admin' })).toBeNull();
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect([...nav.querySelectorAll('a')].map((a) => a.textContent)).not.toContain('Admin');
  });

  it('opens the admin area for an admin, with one header link and the sidebar', async () => {
    mockFetch({
      'GET /api/v1/auth/me': { ...user, username: 'admin', role: 'admin', user_id: 'a1' },
      'GET /api/v1/admin/users/': { users: [], total: 0, offset: 0, limit: 20 },
    });
    router.navigate('/admin/users');
    render(App);
    expect(await screen.findByRole('heading', { name: 'Users', level: 1 }, { timeout: 5000 })).toBeTruthy();
    expect(document.title).toBe('Users · Admin · Sandpod');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(nav.querySelector('[aria-current="page"]')?.textContent).toBe('Admin');
    const side = screen.getByRole('navigation', { name: 'Admin' });
    expect([...side.querySelectorAll('a')].map((a) => a.textContent)).toEqual([
      'Overview',
      'Users',
      'Executions & queue',
      'Sagas',
      'Events',
      'Projections',
      'Dead letters',
      'Replay',
      'Settings',
    ]);
    expect(side.querySelector('[aria-current="page"]')?.textContent).toBe('Users');
    expect(router.path).toBe('/admin/users');
  });
});
