// Browser journeys of the admin area, as the seeded `admin` account (embedded profile), against a
// running Sandpod (SANDPOD_URL). Screenshots of every admin page go to test-results/admin-*.png.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe } from 'node:test';
import { api, asAdmin as adminPage, finished, startRun, toast } from './admin-helpers.mjs';
import {
  BASE_URL,
  assertAppIsUp,
  closeContexts,
  dismissToasts,
  journey,
  launch,
  newPage,
  screenshot,
  setTheme,
  settled,
  signedIn,
  uniqueUser,
  unnamedControls,
  until,
  warmUp,
} from './helpers.mjs';

const PAGES = [
  ['/admin', 'Overview'],
  ['/admin/users', 'Users'],
  ['/admin/executions', 'Executions & queue'],
  ['/admin/sagas', 'Sagas'],
  ['/admin/events', 'Events'],
  ['/admin/projections', 'Projections'],
  ['/admin/dead-letters', 'Dead letters'],
  ['/admin/replay', 'Replay sessions'],
  ['/admin/settings', 'System settings'],
];
// The in-memory stand-in (npm run e2e:mock) has no admin API.
const MOCK = process.env.SANDPOD_E2E_MOCK === '1';

let browser;

before(async () => {
  await assertAppIsUp();
  await warmUp();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** A sign-in attempt outside the browser: only its status matters here. */
async function tryLogin(username, password) {
  const res = await fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  return res.status;
}

const asAdmin = () => adminPage(browser);

describe(
  'The admin area in the browser',
  { concurrency: false, skip: MOCK && 'no admin API in the mock' },
  () => {
    afterEach(closeContexts);

    journey('a user who opens /admin is sent home', async () => {
      const page = await newPage(browser);
      await signedIn(page);
      await page.goto('/admin/users');
      await page.waitForURL((u) => new URL(u).pathname === '/');
      assert.equal(await page.getByRole('navigation', { name: 'Admin' }).count(), 0);
      assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByText('Admin').count(), 0);
      const refused = await api(page, 'GET', '/admin/users/');
      assert.equal(refused.status, 403, 'the server refuses the admin API to a user too');
    });

    journey('admin: create a user, set a rate-limit override, lock and unlock the account', async () => {
      const page = await asAdmin();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
      await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }).click();
      await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();

      const user = uniqueUser('admined');
      await page.getByTestId('create-user').click();
      const form = page.getByTestId('user-form');
      await form.getByLabel('Username').fill(user.username);
      await form.getByLabel('Email').fill(user.email);
      await form.getByLabel('Password').fill(user.password);
      await form.getByRole('button', { name: 'Create user' }).click();
      await toast(page, `User ${user.username} created`);
      await page.getByLabel('Search name or email').fill(user.username);
      const row = page.locator(`[data-testid="user-row"][data-username="${user.username}"]`);
      await row.waitFor();

      // An override: three times the default limits, with a note.
      await row.getByRole('button', { name: `Rate limits of ${user.username}` }).click();
      const limits = page.getByTestId('rate-limit-form');
      await limits.getByLabel(/Multiplier/).fill('3');
      await limits.getByLabel('Notes (why)').fill('load test');
      await limits.getByRole('button', { name: 'Save limits' }).click();
      await toast(page, `Rate limits of ${user.username} saved`);
      await row.getByTestId('custom-limits').waitFor();
      const id = (await api(page, 'GET', `/admin/users/?search=${user.username}`)).body.users[0].user_id;
      const stored = await api(page, 'GET', `/admin/rate-limits/${id}`);
      assert.equal(stored.body.rate_limit_config.global_multiplier, 3);
      assert.equal(stored.body.rate_limit_config.notes, 'load test');

      // Lock: failed sign-ins up to the system setting's limit; then even the right password is refused.
      const settings = (await api(page, 'GET', '/admin/settings/')).body;
      for (let i = 0; i < settings.max_login_attempts; i++) await tryLogin(user.username, 'wrong-password-1');
      assert.equal(await tryLogin(user.username, user.password), 423, 'the account is locked');
      await row.getByRole('button', { name: `Unlock ${user.username}` }).click();
      await toast(page, 'unlocked');
      assert.equal(await tryLogin(user.username, user.password), 200, 'the account signs in again');
      assert.deepEqual(page.errors, []);
    });

    journey('admin: change a system setting and watch a queued run move through the live queue', async () => {
      const page = await asAdmin();
      const before = (await api(page, 'GET', '/admin/settings/')).body;
      try {
        // One run at a time, so a second run has to wait in the queue.
        await page.goto('/admin/settings');
        const field = page.getByLabel('Runs at once');
        await field.fill('1');
        await page.getByRole('button', { name: 'Save settings' }).click();
        await toast(page, 'System settings saved');
        await page.reload();
        await until(async () => (await page.getByLabel('Runs at once').inputValue()) === '1', {
          message: 'the saved setting is shown after a reload',
        });

        await page.goto('/admin/executions');
        await page.getByTestId('queue-status').waitFor();
        const first = await startRun(page, 'import time\ntime.sleep(8)\nprint("first")\n');
        const second = await startRun(page, 'print("second")\n');

        const item = page.locator(`[data-testid="live-run"][data-id="${second}"]`);
        await page
          .locator(`[data-testid="live-run"][data-id="${second}"][data-status="queued"]`)
          .waitFor({ timeout: 30_000 });
        await screenshot(page, 'admin-live-queue-waiting');
        await item.getByTestId('priority-select').selectOption('high');
        await toast(page, 'now has high priority');
        // It moves on: out of the waiting state (running), then out of the live queue once it has ended.
        await page.waitForFunction(
          (id) =>
            document.querySelector(`[data-testid="live-run"][data-id="${id}"]`)?.dataset.status !== 'queued',
          second,
          { timeout: 90_000 },
        );
        await item.waitFor({ state: 'detached', timeout: 90_000 });
        const done = await api(page, 'GET', `/executions/${second}/result`);
        assert.equal(done.body.status, 'completed');
        assert.match(done.body.stdout, /second/);
        assert.equal((await api(page, 'GET', `/executions/${first}/result`)).body.status, 'completed');
      } finally {
        await api(page, 'PUT', '/admin/settings/', {
          max_concurrent_executions: before.max_concurrent_executions,
        });
      }
    });

    journey(
      'admin: an execution’s audit timeline, and its state at an instant before it completed',
      async () => {
        const page = await asAdmin();
        // A second between running and completed, so the instants are apart.
        const id = await startRun(page, 'import time\ntime.sleep(1)\nprint("audited")\n');
        assert.equal((await finished(page, id)).status, 'completed');

        // From the event browser: the run's completion, then the history of its aggregate.
        await page.goto('/admin/events');
        await page.getByLabel('Aggregate id').fill(id);
        await page.getByRole('button', { name: 'Apply' }).click();
        const table = page.getByTestId('event-table');
        // Only this run's events: its one completion.
        await until(
          async () =>
            (await table.getByRole('button', { name: 'execution_completed' }).count()) === 1 &&
            (await table.locator('tbody tr').count()) ===
              (await table.locator('tbody tr', { hasText: id }).count()),
          { message: "the browser lists only the run's events" },
        );
        await table.getByRole('button', { name: 'execution_completed' }).click();
        await page.getByRole('button', { name: 'History of its aggregate' }).click();
        const timeline = page.getByTestId('timeline');
        await timeline.getByText('execution_completed').waitFor();
        const state = page.getByTestId('state-at');
        // The latest instant first: the run as it ended.
        await state.getByText('"status": "COMPLETED"').waitFor();
        await screenshot(page, 'admin-audit-timeline-completed');

        // An instant before completion: the state after the run started running.
        await timeline.getByRole('button', { name: 'State after execution_running' }).click();
        await state.getByText('"status": "RUNNING"').waitFor();
        assert.match(await page.getByTestId('state-as-of').innerText(), /After execution_running/);
        assert.equal(await state.getByText('"status": "COMPLETED"').count(), 0);
        // The slider says where the picked instant is.
        const slider = page.getByLabel(/Instant: after event/);
        const picked = Number(await slider.inputValue());
        const total = await timeline.getByRole('listitem').count();
        assert.ok(picked < total - 1, `picked event ${picked + 1} of ${total}, before the last`);
        await screenshot(page, 'admin-audit-timeline-before-completion');

        // And the slider itself: the first event, the run as it was requested.
        await slider.focus();
        await page.keyboard.press('Home');
        await until(
          async () =>
            /After execution_(requested|queued)/.test(await page.getByTestId('state-as-of').innerText()),
          {
            message: 'the state after the first event',
          },
        );
        assert.deepEqual(page.errors, []);
      },
    );

    journey('admin: rebuild a projection and watch the progress bar reach 100 %', async () => {
      const page = await asAdmin();
      const id = await startRun(page, 'print("before the rebuild")\n');
      await finished(page, id);
      await page.goto('/admin/projections');
      const row = page.locator('[data-testid="projection-row"][data-name="executions"]');
      await row.waitFor();
      await row.getByRole('button', { name: 'Rebuild executions' }).click();
      const dialog = page.getByRole('dialog', { name: 'Rebuild executions?' });
      await dialog.getByRole('button', { name: 'Rebuild' }).click();
      await toast(page, 'Rebuilding executions from the first event');
      const bar = row.getByRole('progressbar', { name: 'Rebuild of executions' });
      await bar.waitFor();
      await page.waitForFunction(
        () =>
          document
            .querySelector('[data-name="executions"] [role="progressbar"]')
            ?.getAttribute('aria-valuenow') === '100',
        null,
        { timeout: 120_000 },
      );
      assert.match(await row.getByTestId('rebuild-figures').innerText(), /^100 % · (\d+) of \1 events/);
      await until(async () => (await row.getAttribute('data-state')) !== 'replaying', {
        message: 'the rebuild ends',
      });
      await screenshot(page, 'admin-projection-rebuilt');
      // The rebuilt read model has the run from before the rebuild.
      const listed = await api(page, 'GET', `/admin/executions/?limit=100`);
      assert.ok(
        listed.body.executions.some((e) => e.execution_id === id),
        'the run is in the rebuilt executions list',
      );
      assert.deepEqual(page.errors, []);
    });

    journey('admin: change a system setting and see the change in its history', async () => {
      const page = await asAdmin();
      const before = (await api(page, 'GET', '/admin/settings/')).body;
      const was = before.metrics_retention_days;
      const now = was === 45 ? 46 : 45;
      try {
        await page.goto('/admin/settings');
        const history = page.getByTestId('settings-history');
        await history.waitFor();
        await page.getByLabel('Keep metrics (days)').fill(String(now));
        await page.getByRole('button', { name: 'Save settings' }).click();
        await toast(page, 'System settings saved');
        const latest = history.getByTestId('settings-change').first();
        await latest.getByText(`Keep metrics (days): ${was} → ${now}`).waitFor();
        assert.match(await latest.innerText(), /by /);
        await screenshot(page, 'admin-settings-history');

        // The whole history: the settings' audit timeline, and their state after the change.
        await history.getByRole('link', { name: 'their audit timeline' }).click();
        await page.waitForURL((u) => new URL(u).searchParams.get('type') === 'system_settings');
        await page.getByTestId('timeline').getByText('system_settings_changed').last().waitFor();
        await page.getByTestId('state-at').getByText(`"metrics_retention_days": ${now}`).first().waitFor();
        assert.deepEqual(page.errors, []);
      } finally {
        await api(page, 'PUT', '/admin/settings/', { metrics_retention_days: was });
      }
    });

    journey(
      'every admin page in both themes at 1280×800 and 375×667, labelled and without sideways scrolling',
      async () => {
        const page = await asAdmin();
        for (const theme of ['light', 'dark']) {
          await setTheme(page, theme);
          for (const [path, title] of PAGES) {
            await page.setViewportSize({ width: 1280, height: 800 });
            await page.goto(path);
            await page.getByRole('heading', { name: title, level: 1 }).waitFor();
            await settled(page);
            await dismissToasts(page);
            const name = path === '/admin' ? 'overview' : path.slice('/admin/'.length);
            assert.deepEqual(await unnamedControls(page), [], `unnamed controls on ${path}`);
            await screenshot(page, `admin-${name}-${theme}-1280x800`);
            await page.setViewportSize({ width: 375, height: 667 });
            const overflow = await page.evaluate(
              () => document.documentElement.scrollWidth - window.innerWidth,
            );
            assert.ok(overflow <= 1, `${path} scrolls sideways at 375 px by ${overflow}px`);
            await screenshot(page, `admin-${name}-${theme}-375x667`);
          }
        }
        await page.setViewportSize({ width: 1280, height: 800 });
        await setTheme(page, 'light');

        // Keyboard: from the sidebar, Tab reaches a section link and Enter opens it.
        await page.goto('/admin');
        await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
        let onUsers = false;
        for (let i = 0; i < 30 && !onUsers; i++) {
          await page.keyboard.press('Tab');
          onUsers = await page.evaluate(() => document.activeElement?.textContent?.trim() === 'Users');
        }
        assert.ok(onUsers, 'the sidebar is reachable with Tab');
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
        assert.deepEqual(page.errors, [], 'no script errors or CSP violations');
      },
    );
  },
);
