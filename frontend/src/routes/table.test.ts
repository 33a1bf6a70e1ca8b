import { describe, expect, it } from 'vitest';
import { safeNext } from '../lib/stores/router.svelte';
import { ADMIN_SECTIONS } from './admin/nav';
import {
  findRoute,
  isProtected,
  navLinks,
  NOT_FOUND_TITLE,
  redirectFor,
  ROUTES,
  titleFor,
  viewFor,
} from './table';

describe('route table', () => {
  it('has every page the app had, with its title and access', () => {
    expect(ROUTES.map((r) => [r.path, r.title, r.access])).toEqual([
      ['/', 'Sandpod — run code in a sandbox', 'public'],
      ['/login', 'Sign in · Sandpod', 'guest'],
      ['/register', 'Create account · Sandpod', 'guest'],
      ['/editor', 'Editor · Sandpod', 'user'],
      ['/notifications', 'Notifications · Sandpod', 'user'],
      ['/settings', 'Settings · Sandpod', 'user'],
      ['/admin', 'Overview · Admin · Sandpod', 'admin'],
      ['/admin/users', 'Users · Admin · Sandpod', 'admin'],
      ['/admin/executions', 'Executions & queue · Admin · Sandpod', 'admin'],
      ['/admin/sagas', 'Sagas · Admin · Sandpod', 'admin'],
      ['/admin/events', 'Events · Admin · Sandpod', 'admin'],
      ['/admin/projections', 'Projections · Admin · Sandpod', 'admin'],
      ['/admin/dead-letters', 'Dead letters · Admin · Sandpod', 'admin'],
      ['/admin/replay', 'Replay sessions · Admin · Sandpod', 'admin'],
      ['/admin/settings', 'Settings · Admin · Sandpod', 'admin'],
    ]);
  });

  it('has a route for every section of the admin sidebar, and nothing else under /admin', () => {
    expect(ADMIN_SECTIONS.map((s) => s.path)).toEqual(
      ROUTES.filter((r) => r.path.startsWith('/admin')).map((r) => r.path),
    );
  });

  it('gives every route a unique normalised path, a title and a loader', () => {
    expect(new Set(ROUTES.map((r) => r.path)).size).toBe(ROUTES.length);
    for (const route of ROUTES) {
      expect(route.path).toMatch(/^\/([a-z0-9-]+(\/[a-z0-9-]+)*)?$/);
      expect(route.title).toMatch(/Sandpod/);
      expect(typeof route.load).toBe('function');
    }
  });

  it('loads a component for every route', async () => {
    for (const route of ROUTES) {
      const page = await route.load();
      expect(typeof page.default, route.path).toBe('function');
      if (route.component) expect(page.default).toBe(route.component);
    }
  });

  it('keeps the first-visit pages in the entry chunk and the signed-in pages lazy', () => {
    // The lazy ones are dynamic import()s, each its own chunk (the build's size report lists them).
    expect(ROUTES.filter((r) => r.component).map((r) => r.path)).toEqual(['/', '/login', '/register']);
    expect(ROUTES.filter((r) => !r.component).map((r) => r.path)).toEqual([
      '/editor',
      '/notifications',
      '/settings',
      ...ADMIN_SECTIONS.map((s) => s.path),
    ]);
  });

  it('sends signed-out visitors of a protected page to sign in, and back afterwards', () => {
    const protectedRoutes = ROUTES.filter((r) => r.access === 'user');
    expect(protectedRoutes.map((r) => r.path)).toEqual(['/editor', '/notifications', '/settings']);
    expect(ROUTES.filter(isProtected).length).toBe(3 + ADMIN_SECTIONS.length);
    for (const route of protectedRoutes) {
      const here = `${route.path}?tab=a b`;
      expect(redirectFor(route, 'anonymous', here, null)).toBe(`/login?next=${encodeURIComponent(here)}`);
      // While the session is still being checked, the page waits instead of rendering or redirecting.
      expect(viewFor(route, 'unknown')).toBe('checking');
      expect(viewFor(route, 'anonymous')).toBe('checking');
      expect(redirectFor(route, 'unknown', here, null)).toBeNull();
      expect(viewFor(route, 'authenticated', 'user')).toBe('page');
      expect(redirectFor(route, 'authenticated', here, null)).toBeNull();
    }
    expect(redirectFor(findRoute('/editor'), 'anonymous', '/editor', null)).toBe('/login?next=%2Feditor');
  });

  it('sends signed-in visitors of sign in and create account on to a safe next page', () => {
    for (const path of ['/login', '/register']) {
      const route = findRoute(path);
      expect(viewFor(route, 'anonymous')).toBe('page');
      expect(redirectFor(route, 'anonymous', path, '/settings')).toBeNull();
      expect(redirectFor(route, 'authenticated', path, '/settings')).toBe('/settings');
      expect(redirectFor(route, 'authenticated', path, '//evil.example')).toBe('/editor');
      expect(redirectFor(route, 'authenticated', path, null)).toBe('/editor');
    }
    // safeNext keeps its own list of pages it never returns to: it must cover every guest page.
    for (const route of ROUTES.filter((r) => r.access === 'guest'))
      expect(safeNext(route.path)).toBe('/editor');
  });

  it('shows public pages to everyone', () => {
    const home = findRoute('/');
    for (const status of ['unknown', 'anonymous', 'authenticated'] as const) {
      expect(viewFor(home, status)).toBe('page');
      expect(redirectFor(home, status, '/', null)).toBeNull();
    }
  });

  it('answers "Page not found" for an unknown path', () => {
    for (const path of ['/nope', '/editor/x', '/Editor', '/api']) {
      const route = findRoute(path);
      expect(route).toBeUndefined();
      for (const status of ['unknown', 'anonymous', 'authenticated'] as const) {
        expect(viewFor(route, status)).toBe('not-found');
        expect(redirectFor(route, status, path, null)).toBeNull();
      }
      expect(titleFor(route, 'not-found')).toBe(NOT_FOUND_TITLE);
    }
    expect(NOT_FOUND_TITLE).toBe('Not found · Sandpod');
  });

  it('titles each page from the table, also while its session is checked', () => {
    for (const route of ROUTES) {
      expect(titleFor(route, 'page')).toBe(route.title);
      expect(titleFor(route, 'checking')).toBe(route.title);
    }
  });

  it('builds the nav from the table for signed-in users only', () => {
    expect(navLinks('unknown')).toEqual([]);
    expect(navLinks('anonymous')).toEqual([]);
    expect(navLinks('authenticated', 'user')).toEqual([
      { href: '/editor', label: 'Editor' },
      { href: '/notifications', label: 'Notifications' },
      { href: '/settings', label: 'Settings' },
    ]);
  });

  it('keeps the admin area to admins and sends other users home', () => {
    for (const { path } of ADMIN_SECTIONS) {
      const admin = findRoute(path)!;
      expect(admin.access).toBe('admin');
      expect(redirectFor(admin, 'anonymous', path, null)).toBe(`/login?next=${encodeURIComponent(path)}`);
      expect(viewFor(admin, 'anonymous')).toBe('checking');
      expect(viewFor(admin, 'authenticated', 'user')).toBe('not-found');
      expect(redirectFor(admin, 'authenticated', path, null, 'user')).toBe('/');
      expect(redirectFor(admin, 'authenticated', path, null, 'moderator')).toBe('/');
      expect(titleFor(admin, viewFor(admin, 'authenticated', 'user'))).toBe(NOT_FOUND_TITLE);
      expect(viewFor(admin, 'authenticated', 'admin')).toBe('page');
      expect(redirectFor(admin, 'authenticated', path, null, 'admin')).toBeNull();
    }
    // One header link for the whole area; the sections are in its sidebar.
    expect(navLinks('authenticated', 'user').map((l) => l.label)).not.toContain('Admin');
    expect(navLinks('authenticated', 'admin').filter((l) => l.href.startsWith('/admin'))).toEqual([
      { href: '/admin', label: 'Admin' },
    ]);
  });
});
