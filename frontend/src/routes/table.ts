// The app's one route table: every page's address, document title, who may open it and how its code
// loads. The shell (App.svelte) renders and redirects from it, sets the document title from it, and the
// header builds its nav from it; a new page (the admin area, for one) is a new entry here and nothing else.
import type { Component } from 'svelte';
import type { UserRole } from '../lib/api/types';
import { safeNext } from '../lib/stores/router.svelte';
import type { SessionStatus } from '../lib/stores/session.svelte';
import Landing from './Landing.svelte';
import Login from './Login.svelte';
import Register from './Register.svelte';

export type PageModule = { default: Component };

/** Who may open a page. */
export type Access =
  /** anyone */
  | 'public'
  /** signed-out visitors; a signed-in one is sent on to `?next` (sign in, create account) */
  | 'guest'
  /** signed-in users; anyone else is sent to sign in and brought back afterwards */
  | 'user'
  /** signed-in admins; other signed-in users are sent home (the server refuses them the admin API too) */
  | 'admin';

export interface Route {
  /** Exact path, without a trailing slash (the router strips it). */
  path: string;
  title: string;
  access: Access;
  /** Label of the page's link in the header's nav, shown to those who may open it. */
  nav?: string;
  /**
   * Loads the page. Most are dynamic `import()`s, so each page is its own chunk fetched on the first
   * visit; the small pages a first visit starts on are in the entry chunk instead (`eager`).
   */
  load: () => Promise<PageModule>;
  /** Set for pages in the entry chunk: the shell renders them at once instead of awaiting `load`. */
  component?: Component;
  /** What the shell shows while a lazy page loads, and if it cannot. */
  loading?: string;
  loadError?: string;
}

export const LOADING = 'Loading…';
export const LOAD_ERROR = 'This page could not be loaded. Reload to try again.';
export const NOT_FOUND_TITLE = 'Not found · Sandpod';

/** A page bundled into the entry chunk: no extra request, and no loading state on a first visit. */
function eager(component: Component): Pick<Route, 'component' | 'load'> {
  return { component, load: () => Promise.resolve({ default: component }) };
}

export const ROUTES: readonly Route[] = [
  { path: '/', title: 'Sandpod — run code in a sandbox', access: 'public', ...eager(Landing) },
  { path: '/login', title: 'Sign in · Sandpod', access: 'guest', ...eager(Login) },
  { path: '/register', title: 'Create account · Sandpod', access: 'guest', ...eager(Register) },
  {
    path: '/editor',
    title: 'Editor · Sandpod',
    access: 'user',
    nav: 'Editor',
    load: () => import('./Editor.svelte'),
    loading: 'Loading the editor…',
    loadError: 'The editor could not be loaded. Reload the page to try again.',
  },
  {
    path: '/notifications',
    title: 'Notifications · Sandpod',
    access: 'user',
    nav: 'Notifications',
    load: () => import('./Notifications.svelte'),
  },
  {
    path: '/settings',
    title: 'Settings · Sandpod',
    access: 'user',
    nav: 'Settings',
    load: () => import('./Settings.svelte'),
  },
  ...adminRoutes(),
];

/**
 * The admin area: one lazily loaded chunk per section (with the admin API module and the sidebar in a
 * shared chunk of their own), so none of it is in the entry chunk or in the first load of /editor.
 * The header shows one "Admin" link; the sections are in the admin sidebar (routes/admin/nav.ts).
 */
function adminRoutes(): Route[] {
  const page = (path: string, section: string, load: () => Promise<PageModule>, nav?: string): Route => ({
    path,
    title: `${section} · Admin · Sandpod`,
    access: 'admin',
    nav,
    load,
    loading: 'Loading the admin area…',
  });
  return [
    page('/admin', 'Overview', () => import('./admin/Overview.svelte'), 'Admin'),
    page('/admin/users', 'Users', () => import('./admin/Users.svelte')),
    page('/admin/executions', 'Executions & queue', () => import('./admin/Executions.svelte')),
    page('/admin/sagas', 'Sagas', () => import('./admin/Sagas.svelte')),
    page('/admin/events', 'Events', () => import('./admin/Events.svelte')),
    page('/admin/projections', 'Projections', () => import('./admin/Projections.svelte')),
    page('/admin/dead-letters', 'Dead letters', () => import('./admin/DeadLetters.svelte')),
    page('/admin/replay', 'Replay sessions', () => import('./admin/Replay.svelte')),
    page('/admin/settings', 'Settings', () => import('./admin/SystemSettings.svelte')),
  ];
}

export function findRoute(path: string, routes: readonly Route[] = ROUTES): Route | undefined {
  return routes.find((r) => r.path === path);
}

/** Pages that need a session: the shell waits for it and sends anonymous visitors to sign in. */
export function isProtected(route: Route): boolean {
  return route.access === 'user' || route.access === 'admin';
}

/** What the shell shows for a path: the page, a wait while the session is checked, or "Page not found". */
export type View = 'page' | 'checking' | 'not-found';

export function viewFor(route: Route | undefined, status: SessionStatus, role?: UserRole): View {
  if (!route) return 'not-found';
  if (isProtected(route) && status !== 'authenticated') return 'checking';
  // An admin page does not tell other users that it exists.
  if (route.access === 'admin' && role !== 'admin') return 'not-found';
  return 'page';
}

/**
 * Where the shell sends the visitor instead, or null to stay: anonymous visitors of a protected page
 * go to sign in with `next` = where they were (`here`, path and query); signed-in visitors of a
 * guest page go on to their `next` (only same-app paths, see safeNext); signed-in non-admins of an
 * admin page go home.
 */
export function redirectFor(
  route: Route | undefined,
  status: SessionStatus,
  here: string,
  next: string | null,
  role?: UserRole,
): string | null {
  if (!route) return null;
  if (status === 'anonymous' && isProtected(route)) return `/login?next=${encodeURIComponent(here)}`;
  if (status === 'authenticated' && route.access === 'guest') return safeNext(next);
  if (status === 'authenticated' && route.access === 'admin' && role !== 'admin') return '/';
  return null;
}

export function titleFor(route: Route | undefined, view: View): string {
  return route && view !== 'not-found' ? route.title : NOT_FOUND_TITLE;
}

/** The header's links: the pages with a nav label that this visitor may open now. */
export function navLinks(
  status: SessionStatus,
  role?: UserRole,
  routes: readonly Route[] = ROUTES,
): { href: string; label: string }[] {
  return routes
    .filter((r) => r.nav && viewFor(r, status, role) === 'page')
    .map((r) => ({ href: r.path, label: r.nav! }));
}
