// Shared by the journeys: the system Chromium driven by playwright-core (no browser download), the
// app under test at SANDPOD_URL, and small steps written the way a person would do them.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.SANDPOD_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');
export const RUN_TIMEOUT = Number(process.env.SANDPOD_RUN_TIMEOUT_MS ?? 90_000);
/** Default wait for one action or locator (a busy 2-core CI machine can take a while to paint a page). */
export const ACTION_TIMEOUT = Number(process.env.SANDPOD_ACTION_TIMEOUT_MS ?? 45_000);
/** One attempt of a journey; a failed or stuck attempt is retried once (SANDPOD_E2E_RETRIES). */
export const ATTEMPT_TIMEOUT = Number(process.env.SANDPOD_ATTEMPT_TIMEOUT_MS ?? 240_000);
const RETRIES = Number(process.env.SANDPOD_E2E_RETRIES ?? 1);
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

let addresses = 0;
/**
 * A client address of its own for each browser context (private 10.23.0.0/16), sent as
 * X-Forwarded-For: each context is another person, as on a network, and the app counts anonymous calls
 * (sign-up, sign-in) per address. It only counts when the app trusts the loopback proxy, as
 * `./sandpod test|e2e` start it (SANDPOD_TRUSTED_PROXIES=127.0.0.1); any other app ignores the header.
 * SANDPOD_E2E_FORWARDED_FOR=0 leaves it out.
 */
function clientAddress() {
  addresses += 1;
  return `10.23.${(addresses >> 8) & 0xff}.${addresses & 0xff}`;
}
const FORWARDED_FOR = process.env.SANDPOD_E2E_FORWARDED_FOR !== '0';

/** Closes every browser context a journey opened, also when it failed half-way. */
export async function closeContexts() {
  await Promise.all([...openContexts].map((c) => c.close().catch(() => {})));
  openContexts.clear();
}

/**
 * A fresh context (its own cookies, cache and connections) whose pages are all watched: console,
 * page errors and every request with its timing, so a failed journey leaves a record of what the
 * browser was waiting for.
 */
export async function newContext(
  browser,
  { width = 1280, height = 800, colorScheme = 'light', ...options } = {},
) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: { width, height },
    colorScheme,
    ...(FORWARDED_FOR ? { extraHTTPHeaders: { 'X-Forwarded-For': clientAddress() } } : {}),
    ...options,
  });
  openContexts.add(context);
  context.on('close', () => openContexts.delete(context));
  context.setDefaultTimeout(ACTION_TIMEOUT);
  context.setDefaultNavigationTimeout(2 * ACTION_TIMEOUT);
  context.on('page', watch);
  return context;
}

export async function newPage(browser, options = {}) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  watch(page);
  return page;
}

const started = Date.now();
const clock = () => `${((Date.now() - started) / 1000).toFixed(2).padStart(7)}s`;

function watch(page) {
  if (page.log) return;
  const log = [];
  const pending = new Map();
  const errors = [];
  page.log = log;
  page.errors = errors;
  page.pending = pending;
  page.on('pageerror', (e) => {
    errors.push(e.message);
    log.push(`${clock()} pageerror ${e.message}`);
  });
  // The app serves a strict Content-Security-Policy; a violation means a broken feature.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
    log.push(`${clock()} console.${m.type()} ${m.text()}`);
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) log.push(`${clock()} navigated ${f.url()}`);
  });
  page.on('request', (r) => {
    pending.set(r, Date.now());
    log.push(`${clock()} -> ${r.method()} ${r.url()} (${r.resourceType()})`);
  });
  page.on('response', (r) =>
    log.push(`${clock()} <- ${r.status()} ${r.request().method()} ${r.url()} (headers)`),
  );
  page.on('requestfinished', (r) => {
    const t = pending.get(r);
    pending.delete(r);
    log.push(`${clock()} done ${r.method()} ${r.url()} in ${t ? Date.now() - t : '?'} ms`);
  });
  page.on('requestfailed', (r) => {
    const t = pending.get(r);
    pending.delete(r);
    log.push(
      `${clock()} FAILED ${r.method()} ${r.url()} after ${t ? Date.now() - t : '?'} ms: ${r.failure()?.errorText}`,
    );
  });
  page.on('close', () => log.push(`${clock()} page closed`));
}

/** Polls `check` until it returns a truthy value (expect-style), failing after `timeout` ms. */
export async function until(check, { timeout = ACTION_TIMEOUT, interval = 100, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${message}: not met within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Waits until the page has no request in flight but its long-lived event streams, for `quiet` ms in a
 * row ("network idle" that an open EventSource does not hold up forever).
 */
export async function settled(page, { quiet = 500, timeout = ACTION_TIMEOUT } = {}) {
  let since = Date.now();
  await until(
    () => {
      const busy = [...page.pending.keys()].some((r) => r.resourceType() !== 'eventsource');
      if (busy) since = Date.now();
      return Date.now() - since >= quiet;
    },
    { timeout, message: `${page.url()} settling` },
  );
}

/** Writes what every open page was doing (log, unfinished requests, a screenshot) for a failed attempt. */
export async function saveDiagnostics(name, error) {
  const lines = [`${new Date().toISOString()} ${name}`, `error: ${error?.stack ?? error}`, ''];
  let i = 0;
  for (const context of openContexts) {
    for (const page of context.pages()) {
      i++;
      lines.push(`--- page ${i}: ${page.url()}`);
      const now = Date.now();
      for (const [r, t] of page.pending ?? []) {
        lines.push(`unfinished after ${now - t} ms: ${r.method()} ${r.url()} (${r.resourceType()})`);
      }
      lines.push(...(page.log ?? []), '');
      await page
        .screenshot({ path: join(RESULTS_DIR, `failure-${name}-page${i}.png`), timeout: 10_000 })
        .catch((e) => lines.push(`(no screenshot: ${e.message.split('\n')[0]})`));
    }
  }
  writeFileSync(join(RESULTS_DIR, `failure-${name}.log`), lines.join('\n') + '\n');
  saveServerState(name);
}

/**
 * When the app under test runs on this machine (SANDPOD_APP_PID, set by `./sandpod test|e2e`): its
 * threads and the state of the TCP connections to it, to tell a stuck server from a stuck browser.
 */
function saveServerState(name) {
  const pid = process.env.SANDPOD_APP_PID;
  if (!pid) return;
  const port = new URL(BASE_URL).port;
  const run = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 30_000 });
    } catch (e) {
      return `(${cmd} failed: ${e.message.split('\n')[0]})`;
    }
  };
  const sockets = run('ss', ['-tnoi', 'state', 'all', `( sport = :${port} or dport = :${port} )`]);
  const threads = run('jcmd', [pid, 'Thread.print']);
  writeFileSync(join(RESULTS_DIR, `failure-${name}-server.txt`), `${sockets}\n\n${threads}`);
}

const slug = (name) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);

/**
 * A journey: a node:test test whose attempt is bounded by ATTEMPT_TIMEOUT (or `attemptTimeout`) and
 * retried once after a failure (reported in the output and in test-results/retries.log), with
 * diagnostics of every failed attempt in test-results/failure-*.log. An error marked `final` is not
 * retried: it is a finding that another attempt could only hide.
 */
export function journey(name, fn, { attemptTimeout = ATTEMPT_TIMEOUT } = {}) {
  test(name, { timeout: (RETRIES + 1) * (attemptTimeout + 30_000) }, async (t) => {
    for (let attempt = 1; ; attempt++) {
      const t0 = Date.now();
      let timer;
      const stuck = new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`attempt did not finish within ${attemptTimeout} ms`)),
          attemptTimeout,
        );
      });
      const run = Promise.resolve().then(() => fn(t));
      run.catch(() => {}); // a stuck attempt rejects later, once its contexts are closed
      try {
        await Promise.race([run, stuck]);
        if (attempt > 1) t.diagnostic(`passed on attempt ${attempt}`);
        return;
      } catch (e) {
        const first = String(e?.message ?? e).split('\n')[0];
        await saveDiagnostics(`${slug(name)}-${attempt}`, e);
        const line = `${new Date().toISOString()} ${name}: attempt ${attempt} failed after ${Date.now() - t0} ms: ${first}`;
        appendFileSync(join(RESULTS_DIR, 'retries.log'), line + '\n');
        if (attempt > RETRIES || e?.final) throw e;
        t.diagnostic(`RETRY — ${line}`);
        console.log(`# RETRY — ${line}`);
      } finally {
        clearTimeout(timer);
        await closeContexts();
      }
    }
  });
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

/**
 * Waits until the run has ended and its stored result is on the page (the terminal status event can
 * come a moment before the result with the output, exit code and usage).
 */
export async function waitForTerminal(page, timeout = RUN_TIMEOUT) {
  await page.waitForFunction(
    (terminal) => {
      const status = document.querySelector('[data-testid="run-status"]')?.getAttribute('data-status');
      const panel = document.querySelector('[data-testid="output-panel"]');
      return (
        terminal.includes(status) &&
        (panel?.getAttribute('data-result') === 'stored' ||
          !!document.querySelector('[data-testid="run-error"]'))
      );
    },
    TERMINAL,
    { timeout },
  );
  return page.getByTestId('run-status').getAttribute('data-status');
}

export async function runAndWait(page) {
  await page.getByTestId('run-button').click();
  return waitForTerminal(page);
}

export async function dismissToasts(page) {
  // One at a time: dismissing a toast re-numbers the others, so a list taken up front goes stale.
  const buttons = page.getByRole('button', { name: 'Dismiss notification' });
  for (let i = 0; i < 20 && (await buttons.count()) > 0; i++) {
    await buttons
      .first()
      .click({ timeout: 5000 })
      .catch(() => {});
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
