import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockFetch } from '../../test/fakes';
import {
  ApiError,
  buildUrl,
  isUnavailable,
  messageFromBody,
  onUnauthorized,
  readCookie,
  rememberCsrfToken,
  request,
} from './client';
import { auth, notifications, scripts, settings } from './endpoints';

afterEach(() => {
  rememberCsrfToken(null);
  onUnauthorized(null);
  vi.unstubAllGlobals();
});

describe('requests', () => {
  it('send cookies on the same origin and ask for JSON', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/auth/me': { username: 'user' } });
    await auth.me();
    expect(calls[0].credentials).toBe('same-origin');
    expect(calls[0].headers.Accept).toBe('application/json');
  });

  it('echo the csrf_token cookie in X-CSRF-Token on state-changing methods only', async () => {
    document.cookie = 'csrf_token=tok%20123; path=/';
    const { calls } = mockFetch({
      'GET /api/v1/scripts': { scripts: [] },
      'POST /api/v1/scripts': { script_id: 's1' },
      'PUT /api/v1/scripts/s1': { script_id: 's1' },
      'DELETE /api/v1/scripts/s1': new Response(null, { status: 204 }),
    });
    await scripts.list();
    await scripts.create({ name: 'a', script: 'x' });
    await scripts.update('s1', { name: 'b' });
    await scripts.remove('s1');
    expect(calls.map((c) => [c.method, c.headers['X-CSRF-Token']])).toEqual([
      ['GET', undefined],
      ['POST', 'tok 123'],
      ['PUT', 'tok 123'],
      ['DELETE', 'tok 123'],
    ]);
  });

  it('fall back to the token from the login answer when the cookie is not readable', async () => {
    rememberCsrfToken('from-login');
    const { calls } = mockFetch({ 'POST /api/v1/auth/logout': { message: 'ok' } });
    await auth.logout();
    expect(calls[0].headers['X-CSRF-Token']).toBe('from-login');
  });

  it('log in with a form-urlencoded body', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/auth/login': {
        message: 'Login successful',
        username: 'u',
        role: 'user',
        csrf_token: 't',
      },
    });
    const res = await auth.login('u ser', 'p&ss=1');
    expect(res.csrf_token).toBe('t');
    expect(calls[0].headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(calls[0].body).get('username')).toBe('u ser');
    expect(new URLSearchParams(calls[0].body).get('password')).toBe('p&ss=1');
  });

  it('send JSON bodies with a JSON content type', async () => {
    const { calls } = mockFetch({ 'PUT /api/v1/user/settings/theme': { theme: 'dark' } });
    await settings.theme('dark');
    expect(calls[0].url).toBe('/api/v1/user/settings/theme');
    expect(calls[0].headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(calls[0].body!)).toEqual({ theme: 'dark' });
  });

  it('keep the trailing slash of /user/settings/', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/user/settings/': {} });
    await settings.get();
    expect(calls[0].url).toBe('/api/v1/user/settings/');
  });

  it('repeat array query parameters and drop empty ones', () => {
    expect(
      buildUrl('/notifications', { include_tags: ['a', 'b'], tag_prefix: '', limit: 5, x: undefined }),
    ).toBe('/api/v1/notifications?include_tags=a&include_tags=b&limit=5');
  });

  it('return undefined for 204 No Content', async () => {
    mockFetch({ 'POST /api/v1/notifications/mark-all-read': new Response(null, { status: 204 }) });
    await expect(notifications.markAllRead()).resolves.toBeUndefined();
  });
});

describe('errors', () => {
  it('carry the server detail and type', async () => {
    mockFetch({ 'POST /api/v1/auth/login': json({ detail: 'Invalid credentials', type: 'AuthError' }, 401) });
    const err = await auth.login('a', 'b').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(401);
    expect(err.message).toBe('Invalid credentials');
    expect(err.type).toBe('AuthError');
  });

  it('turn a 422 list into one readable sentence', () => {
    const msg = messageFromBody(422, '', {
      detail: [
        { loc: ['body', 'email'], msg: 'value is not a valid email address', type: 'value_error' },
        {
          loc: ['body', 'password'],
          msg: 'String should have at least 8 characters',
          type: 'string_too_short',
        },
      ],
    });
    expect(msg).toBe(
      'email: value is not a valid email address; password: String should have at least 8 characters',
    );
  });

  it('tell when to retry after a rate limit', () => {
    expect(messageFromBody(429, '', { detail: 'Rate limit exceeded', retry_after: 12.2 })).toBe(
      'Rate limit exceeded — try again in 13 s',
    );
  });

  it('never show an HTML error page', async () => {
    mockFetch({
      'GET /api/v1/scripts': new Response('<html><body>Bad gateway</body></html>', {
        status: 502,
        statusText: 'Bad Gateway',
        headers: { 'content-type': 'text/html' },
      }),
    });
    const err = await scripts.list().catch((e) => e);
    expect(err.message).toBe('The server had a problem (HTTP 502 Bad Gateway)');
    expect(err.message).not.toContain('<');
  });

  it('mark missing endpoints and network failures as unavailable', async () => {
    mockFetch({});
    expect(isUnavailable(await scripts.list().catch((e) => e))).toBe(true);
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const err = await scripts.list().catch((e) => e);
    expect(err.status).toBe(0);
    expect(err.unavailable).toBe(true);
    expect(err.message).toMatch(/Cannot reach the server/);
  });

  it('do not treat a validation error as unavailable', async () => {
    mockFetch({
      'POST /api/v1/scripts': json({ detail: [{ loc: ['body', 'name'], msg: 'too long', type: 'x' }] }, 422),
    });
    const err = await scripts.create({ name: 'x', script: '' }).catch((e) => e);
    expect(err.unavailable).toBe(false);
    expect(err.message).toBe('name: too long');
  });

  it('report a 401 to the session', async () => {
    const seen: string[] = [];
    onUnauthorized((p) => seen.push(p));
    mockFetch({ 'GET /api/v1/scripts': json({ detail: 'Not authenticated', type: 'AuthError' }, 401) });
    await request('GET', '/scripts').catch(() => {});
    expect(seen).toEqual(['/scripts']);
  });
});

describe('readCookie', () => {
  it('finds a cookie among others and decodes it', () => {
    expect(readCookie('csrf_token', 'a=1; csrf_token=x%2By; b=2')).toBe('x+y');
    expect(readCookie('csrf_token', 'a=1')).toBeNull();
    expect(readCookie('csrf_token', 'csrf_token="quoted"')).toBe('quoted');
  });
});
