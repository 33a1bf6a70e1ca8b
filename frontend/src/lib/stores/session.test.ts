import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockFetch } from '../../test/fakes';
import { session } from './session.svelte';

const me = {
  username: 'user',
  email: 'user@example.org',
  role: 'user',
  is_active: true,
  user_id: 'u1',
  is_superuser: false,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  bypass_rate_limit: null,
  global_multiplier: null,
  has_custom_limits: null,
};

afterEach(() => {
  vi.unstubAllGlobals();
  session.clear();
});

describe('session', () => {
  it('is restored from /auth/me', async () => {
    mockFetch({ 'GET /api/v1/auth/me': me });
    await session.restore();
    expect(session.status).toBe('authenticated');
    expect(session.user?.username).toBe('user');
  });

  it('is anonymous when /auth/me says 401, and offline when nobody answers', async () => {
    mockFetch({ 'GET /api/v1/auth/me': json({ detail: 'Not authenticated', type: 'AuthError' }, 401) });
    await session.restore();
    expect(session.status).toBe('anonymous');
    expect(session.offline).toBe(false);
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('down')));
    await session.restore();
    expect(session.status).toBe('anonymous');
    expect(session.offline).toBe(true);
  });

  it('logs in, then loads the profile', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/auth/login': {
        message: 'Login successful',
        username: 'user',
        role: 'user',
        csrf_token: 'c1',
      },
      'GET /api/v1/auth/me': me,
      'POST /api/v1/auth/logout': { message: 'Logout successful' },
    });
    await session.login('user', 'user123');
    expect(session.status).toBe('authenticated');
    expect(session.user?.email).toBe('user@example.org');
    await session.logout();
    expect(session.status).toBe('anonymous');
    expect(calls.at(-1)?.headers['X-CSRF-Token']).toBe('c1');
  });

  it('ends the session when an API call answers 401', async () => {
    mockFetch({
      'POST /api/v1/auth/login': { message: 'ok', username: 'user', role: 'user', csrf_token: 'c' },
      'GET /api/v1/auth/me': me,
      'GET /api/v1/scripts': json({ detail: 'expired', type: 'AuthError' }, 401),
    });
    await session.login('user', 'pw');
    const { scripts } = await import('../api/endpoints');
    await scripts.list().catch(() => {});
    expect(session.status).toBe('anonymous');
  });

  it('clears the session even if logout fails', async () => {
    mockFetch({
      'POST /api/v1/auth/login': { message: 'ok', username: 'user', role: 'user', csrf_token: 'c' },
      'GET /api/v1/auth/me': me,
      'POST /api/v1/auth/logout': json({ detail: 'CSRF validation failed', type: 'Forbidden' }, 403),
    });
    await session.login('user', 'pw');
    await expect(session.logout()).rejects.toThrow('CSRF validation failed');
    expect(session.status).toBe('anonymous');
  });
});
