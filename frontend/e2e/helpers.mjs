// Shared by the journeys: the system Chromium driven by playwright-core (no browser download), the
// app under test at SANDPOD_URL, and small steps written the way a person would do them.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.SANDPOD_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');
export const RUN_TIMEOUT = Number(process.env.SANDPOD_RUN_TIMEOUT_MS ?? 90_000);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

mkdirSync(RESULTS_DIR, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Fails early and clearly when nothing is listening at SANDPOD_URL. */
export async function assertAppIsUp() {
  let res;
  try {
    res = await fetch(`${BASE_URL}/`, { signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw new Error(`No app at SANDPOD_URL=${BASE_URL} (${e.message}); start the app first`);
  }
  if (!res.ok) throw new Error(`GET ${BASE_URL}/ answered ${res.status}`);
}

/**
 * Waits until the app can run code at all (a just-started app may still be joining its broker):
 * registers a throwaway account over HTTP and runs print(1), for up to SANDPOD_WARMUP_MS (180 s).
 * Best effort: a failure here is reported by the journeys themselves.
 */
export async function warmUp() {
  const deadline = Date.now() + Number(process.env.SANDPOD_WARMUP_MS ?? 180_000);
  const user = uniqueUser('warmup');
  const jar = new Map();
  const call = async (method, path, body, form = false) => {
    const headers = { Accept: 'application/json' };
    if (jar.size) headers.Cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (jar.has('csrf_token') && method !== 'GET')
      headers['X-CSRF-Token'] = decodeURIComponent(jar.get('csrf_token'));
    if (body) headers['Content-Type'] = form ? 'application/x-www-form-urlencoded' : 'application/json';
    const res = await fetch(`${BASE_URL}/api/v1${path}`, {
      method,
      headers,
      body: body ? (form ? new URLSearchParams(body).toString() : JSON.stringify(body)) : undefined,
      signal: AbortSignal.timeout(20_000),
    });
    for (const c of res.headers.getSetCookie?.() ?? []) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  try {
    await call('POST', '/auth/register', {
      username: user.username,
      email: user.email,
      password: user.password,
    });
    await call('POST', '/auth/login', { username: user.username, password: user.password }, true);
    const limits = await call('GET', '/k8s-limits');
    const version = limits.body?.supported_runtimes?.python?.versions?.at(-1) ?? '3.11';
    const started = await call('POST', '/execute', {
      script: 'print(1)',
      lang: 'python',
      lang_version: version,
    });
    const id = started.body?.execution_id;
    if (!id) return;
    while (Date.now() < deadline) {
      const r = await call('GET', `/executions/${encodeURIComponent(id)}/result`);
      if (['completed', 'failed', 'timeout', 'cancelled', 'error'].includes(r.body?.status)) return;
      await new Promise((res) => setTimeout(res, 1000));
    }
  } catch {
    // The journeys will say what is wrong.
  }
}

const openContexts = new Set();

/** Closes every browser context a journey opened, also when it failed half-way. */
export async function closeContexts() {
  await Promise.all([...openContexts].map((c) => c.close().catch(() => {})));
  openContexts.clear();
}

export async function newPage(browser, { width = 1280, height = 800, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ baseURL: BASE_URL, viewport: { width, height }, colorScheme });
  openContexts.add(context);
  context.on('close', () => openContexts.delete(context));
  // Generous: CI machines are shared and a run of the app's tests may be loading them.
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(45_000);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The app serves a strict Content-Security-Policy; a violation means a broken feature.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  page.errors = errors;
  return page;
}

export function uniqueUser(prefix = 'e2e') {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return { username: `${prefix}_${id}`, email: `${prefix}_${id}@example.org`, password: `pw-${id}-Secret` };
}

export async function register(page, user) {
  await page.goto('/register');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByLabel('Repeat password').fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/login\?registered=1/);
}

export async function login(page, user, { expectPath = '/editor' } = {}) {
  if (!page.url().includes('/login')) await page.goto('/login');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (expectPath) await page.waitForURL((u) => new URL(u).pathname === expectPath);
  await page.getByTestId('current-user').waitFor({ state: 'attached' });
}

/** Registers a fresh account (or uses SANDPOD_E2E_USER / _PASSWORD) and signs in. */
export async function signedIn(page) {
  if (process.env.SANDPOD_E2E_USER) {
    const user = { username: process.env.SANDPOD_E2E_USER, password: process.env.SANDPOD_E2E_PASSWORD ?? '' };
    await page.goto('/login');
    await login(page, user);
    return user;
  }
  const user = uniqueUser();
  await register(page, user);
  await login(page, user);
  return user;
}

export async function openEditor(page) {
  if (new URL(page.url()).pathname !== '/editor') await page.goto('/editor');
  await page.locator('.cm-content').waitFor();
}

export async function setCode(page, code) {
  const content = page.locator('.cm-content');
  await content.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}

export async function editorText(page) {
  return page.locator('.cm-content').evaluate((el) =>
    Array.from(el.querySelectorAll('.cm-line'))
      .map((l) => l.textContent)
      .join('\n'),
  );
}

export async function chooseLanguage(page, lang, version) {
  await page.getByTestId('lang-select').selectOption(lang);
  if (version) await page.getByTestId('version-select').selectOption(version);
}

const TERMINAL = ['completed', 'failed', 'timeout', 'cancelled', 'error'];

export async function waitForStatus(page, statuses, timeout = RUN_TIMEOUT) {
  const wanted = Array.isArray(statuses) ? statuses : [statuses];
  await page.waitForFunction(
    (w) => w.includes(document.querySelector('[data-testid="run-status"]')?.getAttribute('data-status')),
    wanted,
    { timeout },
  );
  return page.getByTestId('run-status').getAttribute('data-status');
}

export async function waitForTerminal(page, timeout = RUN_TIMEOUT) {
  return waitForStatus(page, TERMINAL, timeout);
}

export async function runAndWait(page) {
  await page.getByTestId('run-button').click();
  return waitForTerminal(page);
}

export async function dismissToasts(page) {
  for (const b of await page.getByRole('button', { name: 'Dismiss notification' }).all()) {
    await b.click().catch(() => {});
  }
}

/** Cycles the header's theme button until the page shows `wanted` (light or dark). */
export async function setTheme(page, wanted) {
  for (let i = 0; i < 3; i++) {
    const pref = await page.evaluate(() => document.documentElement.dataset.themePreference);
    if (pref === wanted) return;
    await page.getByTestId('theme-toggle').click();
  }
  throw new Error(`could not switch the theme to ${wanted}`);
}

export async function screenshot(page, name) {
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** SANDPOD_E2E_ALLOW_MISSING=1 lets journeys skip the parts whose API the server does not have yet. */
export const ALLOW_MISSING = ['1', 'true', 'yes'].includes(
  (process.env.SANDPOD_E2E_ALLOW_MISSING ?? '').toLowerCase(),
);

/** True when the signed-in page's GET of an API path answers "not there" (404/405/501). */
export async function endpointMissing(page, path) {
  const status = await page.evaluate(
    async (p) => (await fetch(p, { headers: { Accept: 'application/json' } })).status,
    path,
  );
  return [404, 405, 501].includes(status);
}

/**
 * Checks that a feature's API exists. Missing: fails with a clear message, or — with
 * SANDPOD_E2E_ALLOW_MISSING — reports it and returns false so the journey can skip that part.
 */
export async function requireApi(t, page, path, feature) {
  if (!(await endpointMissing(page, path))) return true;
  const message = `${feature}: GET ${path} is not served by this app yet`;
  if (!ALLOW_MISSING) throw new Error(`${message} (set SANDPOD_E2E_ALLOW_MISSING=1 to skip such parts)`);
  t.diagnostic(`skipped — ${message}`);
  return false;
}

/** Controls without an accessible name, as "tag#id.class 'text'" strings. */
export async function unnamedControls(page) {
  return page.evaluate(() => {
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
    };
    const named = (el) => {
      if (el.getAttribute('aria-label')?.trim()) return true;
      const by = el.getAttribute('aria-labelledby');
      if (by && by.split(/\s+/).some((id) => document.getElementById(id)?.textContent?.trim())) return true;
      if (el.labels && [...el.labels].some((l) => l.textContent?.trim())) return true;
      if (el.getAttribute('title')?.trim()) return true;
      if (['BUTTON', 'A'].includes(el.tagName) && el.textContent?.trim()) return true;
      if (el.getAttribute('role') === 'textbox' && el.closest('.cm-editor'))
        return !!el.getAttribute('aria-label');
      return false;
    };
    return [
      ...document.querySelectorAll(
        'button, a[href], input:not([type=hidden]), select, textarea, [contenteditable=true]',
      ),
    ]
      .filter((el) => visible(el) && !named(el))
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}#${el.id}.${el.className} '${(el.textContent ?? '').trim().slice(0, 30)}'`,
      );
  });
}
