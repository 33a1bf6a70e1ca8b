// Steps the admin journeys share (admin.test.mjs against the built jar, and dead-letters.journey.mjs,
// which the app's AdminDeadLetterBrowserJourneyTest runs against an app with a failing projection handler).
import assert from 'node:assert/strict';
import { RUN_TIMEOUT, login, newPage, until } from './helpers.mjs';

export const ADMIN = {
  username: process.env.SANDPOD_E2E_ADMIN ?? 'admin',
  password: process.env.SANDPOD_E2E_ADMIN_PASSWORD ?? 'admin123',
};

/** A call to the API from the signed-in page, with its CSRF token, as the SPA makes it. */
export async function api(page, method, path, body) {
  return page.evaluate(
    async ([m, p, b]) => {
      const csrf = document.cookie
        .split('; ')
        .find((c) => c.startsWith('csrf_token='))
        ?.slice('csrf_token='.length);
      const headers = { Accept: 'application/json' };
      if (b !== undefined) headers['Content-Type'] = 'application/json';
      if (csrf && m !== 'GET') headers['X-CSRF-Token'] = decodeURIComponent(csrf);
      const r = await fetch(`/api/v1${p}`, {
        method: m,
        headers,
        body: b === undefined ? undefined : JSON.stringify(b),
      });
      return { status: r.status, body: await r.json().catch(() => null) };
    },
    [method, path, body],
  );
}

export async function asAdmin(browser) {
  const page = await newPage(browser);
  await page.goto('/login');
  await login(page, ADMIN);
  return page;
}

export async function toast(page, text) {
  await page.getByRole('status').filter({ hasText: text }).first().waitFor();
}

/** Starts a Python run over the API (newest Python the server offers) and answers its id. */
export async function startRun(page, script) {
  const limits = (await api(page, 'GET', '/k8s-limits')).body;
  const version = limits?.supported_runtimes?.python?.versions?.at(-1) ?? '3.11';
  const r = await api(page, 'POST', '/execute', { script, lang: 'python', lang_version: version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.execution_id;
}

/** Waits until a run has ended and answers its result. */
export async function finished(page, id) {
  let result;
  await until(
    async () => {
      result = (await api(page, 'GET', `/executions/${id}/result`)).body;
      return ['completed', 'failed', 'timeout', 'cancelled', 'error'].includes(result?.status);
    },
    { timeout: RUN_TIMEOUT, interval: 500, message: `run ${id} ends` },
  );
  return result;
}
