// One person, two tabs, every page, at human speed, against the app's default rate limits: not a single
// answer may be 429. Each full page load reconnects the notification stream, each run opens its own
// execution stream, and both tabs do this at once — the traffic that made the old defaults answer 429
// to ordinary sessions. Run with `npm run e2e` (SANDPOD_URL); `./sandpod test|e2e` start the app with
// its default limits on.
//
// Settings: SANDPOD_TWO_TABS_MS (how long both tabs keep clicking, default 120 000 ms),
// SANDPOD_THINK_MS (a person's pause between two actions, default 1 500 ms).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACTION_TIMEOUT,
  assertAppIsUp,
  closeContexts,
  journey,
  launch,
  login,
  newContext,
  register,
  RESULTS_DIR,
  runAndWait,
  setCode,
  uniqueUser,
  warmUp,
} from './helpers.mjs';

const DURATION = Number(process.env.SANDPOD_TWO_TABS_MS ?? 120_000);
const THINK = Number(process.env.SANDPOD_THINK_MS ?? 1_500);
/**
 * A person runs a script now and then, not on every visit of the editor: at most one run every 15 s
 * over both tabs (4 a minute), well inside the execute limit of 10 a minute, which stays as it is.
 */
const RUN_EVERY = 15_000;

let browser;

before(async () => {
  await assertAppIsUp();
  await warmUp();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** API path without ids: /api/v1/executions/{id}/result → /executions/*\/result. */
function apiKey(method, url) {
  const path = new URL(url).pathname.replace(/^\/api\/v1/, '');
  return `${method} ${path.replace(/\/[0-9a-f-]{16,}(?=\/|$)/gi, '/*')}`;
}

describe('two tabs of one person', { concurrency: false }, () => {
  afterEach(closeContexts);

  journey(
    'two tabs click through every page for two minutes and never get 429',
    async () => {
      // One context: the two tabs share the session cookie, as two tabs of one browser do.
      const context = await newContext(browser);
      const refused = [];
      const calls = new Map();
      context.on('response', (r) => {
        const url = r.url();
        if (!url.includes('/api/')) return;
        const key = apiKey(r.request().method(), url);
        calls.set(key, (calls.get(key) ?? 0) + 1);
        if (r.status() === 429) refused.push(`${key} → 429 ${r.headers()['retry-after'] ?? ''}`.trim());
      });
      const first = await context.newPage();
      const user = uniqueUser('tabs');
      await register(first, user);
      await login(first, user);
      const second = await context.newPage();
      await second.goto('/editor');
      await second.getByTestId('current-user').waitFor({ state: 'attached' });

      const started = Date.now();
      const deadline = started + DURATION;
      const shared = { lastRun: 0, runs: 0, pageLoads: 0, clicks: 0, saves: 0 };
      const refusal = () => {
        // A refusal is the finding itself: another attempt on a fresh account must not hide it.
        const error = new Error(`${refused.length} answers were 429:\n${[...new Set(refused)].join('\n')}`);
        error.final = true;
        return error;
      };
      const think = async (page) => {
        if (refused.length > 0) throw refusal();
        await page.waitForTimeout(THINK);
      };
      const heading = (page, name) => page.getByRole('heading', { name, level: 1 }).waitFor();
      const nav = (page, label) =>
        page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true });

      async function tab(page, name) {
        for (let cycle = 0; Date.now() < deadline; cycle++) {
          // The editor, loaded from the address bar.
          await page.goto('/editor');
          shared.pageLoads++;
          await page.locator('.cm-content').waitFor();
          await think(page);
          if (Date.now() - shared.lastRun >= RUN_EVERY) {
            shared.lastRun = Date.now();
            await setCode(page, `print("tab ${name}, cycle ${cycle}")\n`);
            assert.equal(await runAndWait(page), 'completed', `the run of tab ${name} in cycle ${cycle}`);
            shared.runs++;
            await think(page);
          }
          // Saved scripts, in the editor's side panel.
          if (cycle % 2 === 0) {
            const script = `tab-${name}-${cycle}-${Date.now().toString(36)}`;
            await page.getByLabel('Script name').fill(script);
            await page.getByTestId('save-script').click();
            await page.getByRole('button', { name: `Load ${script}` }).waitFor();
            shared.saves++;
            await think(page);
          }
          // Through the header's links: the app changes pages without a load.
          await nav(page, 'Notifications').click();
          shared.clicks++;
          await heading(page, 'Notifications');
          await think(page);
          await nav(page, 'Settings').click();
          shared.clicks++;
          await heading(page, 'Settings');
          await page.getByTestId(cycle % 2 === 0 ? 'theme-dark' : 'theme-light').check();
          await think(page);
          await nav(page, 'Editor').click();
          shared.clicks++;
          await page.locator('.cm-content').waitFor();
          await think(page);
          // The same pages from the address bar, and a reload: each load opens a new notification stream.
          await page.goto('/notifications');
          shared.pageLoads++;
          await heading(page, 'Notifications');
          await think(page);
          await page.goto('/settings');
          shared.pageLoads++;
          await heading(page, 'Settings');
          await think(page);
          await page.reload();
          shared.pageLoads++;
          await heading(page, 'Settings');
          await think(page);
        }
      }

      try {
        await Promise.all([tab(first, 'A'), tab(second, 'B')]);
      } finally {
        report();
      }
      assert.ok(shared.runs >= 1, 'at least one script ran');
      if (refused.length > 0) throw refusal();

      function report() {
        const minutes = (Date.now() - started) / 60_000;
        const total = [...calls.values()].reduce((a, b) => a + b, 0);
        const lines = [
          `two tabs for ${(minutes * 60).toFixed(0)} s: ${shared.pageLoads} page loads, ${shared.clicks} link clicks, ` +
            `${shared.runs} runs, ${shared.saves} saved scripts, ${total} API calls ` +
            `(${(total / minutes).toFixed(0)} a minute), ${refused.length} answered 429`,
          ...[...calls.entries()]
            .sort((a, b) => b[1] - a[1])
            .map(
              ([key, n]) => `  ${String(n).padStart(5)}  ${(n / minutes).toFixed(1).padStart(6)}/min  ${key}`,
            ),
          ...refused.slice(0, 50).map((r) => `  refused: ${r}`),
        ];
        console.log(lines.join('\n'));
        writeFileSync(join(RESULTS_DIR, 'two-tabs.txt'), lines.join('\n') + '\n');
      }
    },
    { attemptTimeout: DURATION + 6 * ACTION_TIMEOUT },
  );
});
