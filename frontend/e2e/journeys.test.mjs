// Browser journeys against a running Sandpod (SANDPOD_URL, default http://localhost:8080), in the
// system Chromium. Run with `npm run e2e`.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  BASE_URL,
  assertAppIsUp,
  chooseLanguage,
  closeContexts,
  dismissToasts,
  editorText,
  journey,
  launch,
  login,
  newContext,
  newPage,
  RESULTS_DIR,
  openEditor,
  register,
  requireApi,
  runAndWait,
  unnamedControls,
  warmUp,
  screenshot,
  setCode,
  setTheme,
  settled,
  signedIn,
  uniqueUser,
  waitForStatus,
  waitForTerminal,
} from './helpers.mjs';

let browser;

before(async () => {
  await assertAppIsUp();
  await warmUp();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

describe('Sandpod in the browser', { concurrency: false }, () => {
  afterEach(closeContexts);

  journey('register → sign in → run the Python example → save → reload → load → sign out', async (t) => {
    const page = await newPage(browser);
    const user = uniqueUser('journey');
    await register(page, user);
    await page
      .getByRole('status')
      .filter({ hasText: /Account created/ })
      .first()
      .waitFor();
    await login(page, user);
    await openEditor(page);

    await chooseLanguage(page, 'python');
    await page.getByTestId('load-example').click();
    const example = await editorText(page);
    // The example builds its greeting from the interpreter's version; its source names the language once.
    assert.match(example, /"lang": "Python"/, 'the Python example is loaded into the editor');

    assert.equal(await runAndWait(page), 'completed');
    await page
      .getByTestId('stdout')
      .getByText(/Hello from a Python 3\.\d+ sandbox!/)
      .waitFor();
    assert.equal(await page.getByTestId('exit-code').innerText(), '0');
    assert.notEqual(await page.getByTestId('wall-time').innerText(), '—');
    assert.notEqual(await page.getByTestId('peak-memory').innerText(), '—');

    // Screenshots of the editor after a run: dark and light, desktop and phone.
    await dismissToasts(page);
    for (const theme of ['dark', 'light']) {
      await setTheme(page, theme);
      await dismissToasts(page);
      await page.setViewportSize({ width: 1280, height: 800 });
      await screenshot(page, `editor-${theme}-1280x800`);
      await page.setViewportSize({ width: 375, height: 667 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `no horizontal scrolling at 375 px (overflow ${overflow}px)`);
      await screenshot(page, `editor-${theme}-375x667`);
      // On a phone the output sits below the editor: a second picture with the run's result in view.
      await page.getByTestId('stdout').scrollIntoViewIfNeeded();
      await screenshot(page, `editor-${theme}-375x667-output`);
      await page.evaluate(() => window.scrollTo(0, 0));
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    if (await requireApi(t, page, '/api/v1/scripts', 'saved scripts')) {
      const name = `hello-${Date.now().toString(36)}`;
      await page.getByLabel('Script name').fill(name);
      await page.getByTestId('save-script').click();
      await page.getByRole('button', { name: `Load ${name}` }).waitFor();

      await page.reload();
      await openEditor(page);
      await setCode(page, 'print("something else")\n');
      await page.getByRole('button', { name: `Load ${name}` }).click();
      await page.getByTestId('current-script').getByText(name).waitFor();
      await page.waitForFunction(() =>
        document.querySelector('.cm-content')?.textContent?.includes('"lang": "Python"'),
      );
      assert.equal((await editorText(page)).trim(), example.trim());
    }

    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await page.goto('/editor');
    await page.waitForURL(/\/login\?next=%2Feditor/);
    assert.deepEqual(page.errors, []);
  });

  journey('a failing script shows its stderr and exit code', async () => {
    const page = await newPage(browser);
    await signedIn(page);
    await openEditor(page);
    await chooseLanguage(page, 'python');
    await setCode(
      page,
      'import sys\nprint("before the error")\nprint("about to fail", file=sys.stderr)\n1 / 0\n',
    );
    await page.keyboard.press('ControlOrMeta+Enter');
    assert.equal(await waitForTerminal(page), 'completed');
    await page
      .getByTestId('stderr')
      .getByText(/ZeroDivisionError/)
      .waitFor();
    assert.match(await page.getByTestId('stderr').innerText(), /about to fail/);
    assert.match(await page.getByTestId('stdout').innerText(), /before the error/);
    assert.notEqual(await page.getByTestId('exit-code').innerText(), '0');
  });

  journey('output is always text: ANSI colours become styles, markup stays visible', async () => {
    const page = await newPage(browser);
    await signedIn(page);
    await openEditor(page);
    await chooseLanguage(page, 'python');
    await setCode(
      page,
      'print("\\x1b[31mred\\x1b[0m plain \\x1b[1;32mbold green\\x1b[0m")\nprint("<img src=x onerror=window.__pwned=1><b>not bold</b>")\n',
    );
    assert.equal(await runAndWait(page), 'completed');
    const stdout = page.getByTestId('stdout');
    await stdout.getByText('not bold', { exact: false }).waitFor();
    assert.equal(await stdout.locator('span.ansi-fg-1').first().innerText(), 'red');
    assert.equal(await stdout.locator('span.ansi-fg-2.ansi-bold').first().innerText(), 'bold green');
    assert.equal(await stdout.locator('img, b').count(), 0);
    assert.match(await stdout.innerText(), /<img src=x onerror=window.__pwned=1><b>not bold<\/b>/);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.doesNotMatch(await stdout.innerText(), /\x1b|\[31m/);
  });

  journey('a dropped stream reconnects and the run still ends with its full output', async () => {
    const page = await newPage(browser);
    await signedIn(page);
    await openEditor(page);
    await chooseLanguage(page, 'python');
    await setCode(page, 'import time\nprint("before", flush=True)\ntime.sleep(5)\nprint("after")\n');
    // The first stream of the run opens and is then cut off by "the network"; the page must reconnect
    // (the browser's EventSource retry, or its own) and still show the whole run.
    const streams = [];
    await page.route(/\/api\/v1\/events\/executions\//, (route) => {
      streams.push(route.request().url());
      if (streams.length > 1) return route.fallback();
      return route.fulfill({
        status: 200,
        headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' },
        body: 'retry: 500\n\n',
      });
    });
    await page.getByTestId('run-button').click();
    assert.equal(await waitForTerminal(page), 'completed');
    const out = await page.getByTestId('stdout').innerText();
    assert.match(out, /before/);
    assert.match(out, /after/);
    assert.ok(streams.length >= 2, `the stream was opened again after it dropped (${streams.length})`);
  });

  journey('a sleeping script can be cancelled', async () => {
    const page = await newPage(browser);
    await signedIn(page);
    await openEditor(page);
    await chooseLanguage(page, 'python');
    await setCode(
      page,
      'import time\nprint("going to sleep", flush=True)\ntime.sleep(60)\nprint("woke up")\n',
    );
    await page.getByTestId('run-button').click();
    await waitForStatus(page, ['running']);
    await page.getByTestId('cancel-button').click();
    assert.equal(await waitForTerminal(page, 60_000), 'cancelled');
    assert.doesNotMatch(await page.getByTestId('output-panel').innerText(), /woke up/);
  });

  journey('the theme choice persists across reloads and is applied before the app starts', async () => {
    const page = await newPage(browser);
    await signedIn(page);
    await page.goto('/settings');
    await page.getByTestId('theme-dark').check();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    // Reload once the page says the choice is saved, as a person would.
    await page.getByRole('status').filter({ hasText: 'Theme set to dark' }).first().waitFor();
    await page.reload();
    await page.getByTestId('theme-dark').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.equal(await page.getByTestId('theme-dark').isChecked(), true);

    // The stored choice is applied by a blocking script in <head>, before the app's module runs.
    const html = await (await fetch(`${BASE_URL}/editor`)).text();
    assert.ok(
      html.indexOf('/theme-init.js') > 0 && html.indexOf('/theme-init.js') < html.indexOf('type="module"'),
    );
    const themeAtFirstScript = await page.context().newPage();
    await themeAtFirstScript.addInitScript(() => {
      document.addEventListener('readystatechange', () => {
        if (document.readyState === 'interactive' && !window.__firstTheme)
          window.__firstTheme = document.documentElement.getAttribute('data-theme');
      });
    });
    await themeAtFirstScript.goto('/');
    assert.equal(await themeAtFirstScript.evaluate(() => window.__firstTheme), 'dark');
    await themeAtFirstScript.close();

    await page.getByTestId('theme-light').check();
    await page.getByRole('status').filter({ hasText: 'Theme set to light' }).first().waitFor();
    await page.reload();
    await page.getByTestId('theme-light').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');

    // Auto follows the system, also when the system changes while the page is open.
    await page.getByTestId('theme-auto').check();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark', null, {
      timeout: 20_000,
    });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light', null, {
      timeout: 20_000,
    });
  });

  journey('a notification appears in the bell after a run', async (t) => {
    const page = await newPage(browser);
    await signedIn(page);
    await openEditor(page);
    if (!(await requireApi(t, page, '/api/v1/notifications', 'notifications'))) {
      t.skip('the notifications API is not there yet');
      return;
    }
    await chooseLanguage(page, 'python');
    await setCode(page, 'print("notify me")\n');
    assert.equal(await runAndWait(page), 'completed');
    await page.getByTestId('unread-badge').waitFor({ timeout: 60_000 });
    assert.ok(Number(await page.getByTestId('unread-badge').innerText()) >= 1);
    await page.getByTestId('notification-bell').click();
    assert.ok((await page.getByTestId('bell-item').count()) >= 1);
  });

  journey('protected pages send you to sign in and back', async () => {
    const page = await newPage(browser);
    const user = uniqueUser('redirect');
    await register(page, user);
    await page.goto('/settings');
    await page.waitForURL(/\/login\?next=%2Fsettings/);
    await login(page, user, { expectPath: '/settings' });
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/settings', 'the session survives a reload');
  });

  journey('unknown pages are the SPA, unknown API paths are JSON 404', async () => {
    const page = await newPage(browser);
    await signedIn(page);
    const res = await page.goto('/no/such/page');
    assert.equal(res.status(), 200);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    const api = await page.evaluate(async () => {
      const r = await fetch('/api/v1/no-such-endpoint', { headers: { Accept: 'application/json' } });
      return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
    });
    assert.equal(api.status, 404);
    assert.match(api.type ?? '', /json/);
    assert.ok(JSON.parse(api.body).detail, 'a {detail, type} body');
  });

  journey('every page is keyboard-usable, labelled and fits a 375 px phone', async () => {
    const page = await newPage(browser);
    for (const path of ['/', '/login', '/register']) {
      await page.goto(path);
      await page.locator('main h1').first().waitFor();
      assert.deepEqual(await unnamedControls(page), [], `unnamed controls on ${path}`);
    }
    await signedIn(page);
    for (const path of ['/editor', '/notifications', '/settings']) {
      await page.goto(path);
      await page.locator('main h1').first().waitFor({ state: 'attached' });
      await settled(page);
      assert.deepEqual(await unnamedControls(page), [], `unnamed controls on ${path}`);
      await page.setViewportSize({ width: 375, height: 667 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${path} scrolls sideways at 375 px by ${overflow}px`);
      await page.setViewportSize({ width: 1280, height: 800 });
    }

    // From the address bar: the skip link comes first, then the controls; Run is reachable by Tab.
    await page.goto('/editor');
    await page.locator('.cm-content').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Skip to content');
    let reachedRun = false;
    for (let i = 0; i < 30 && !reachedRun; i++) {
      await page.keyboard.press('Tab');
      reachedRun = await page.evaluate(
        () => document.activeElement?.getAttribute('data-testid') === 'run-button',
      );
    }
    assert.ok(reachedRun, 'the Run button is reachable with Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'the focused control shows a focus ring');

    // In the editor, Ctrl+Enter runs; Escape then Tab leaves the editor.
    await setCode(page, 'print("keyboard")\n');
    await page.keyboard.press('ControlOrMeta+Enter');
    assert.equal(await waitForTerminal(page), 'completed');
    await page.locator('.cm-content').click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => !!document.activeElement?.closest('.cm-editor')), false);
    assert.deepEqual(page.errors, [], 'no script errors or CSP violations');
  });

  journey('the first load of /editor stays within 500 KB of gzipped JS and CSS', async () => {
    const first = await newPage(browser);
    await signedIn(first);
    // A new context with the same session and an empty cache: a real first load.
    const context = await newContext(browser, { storageState: await first.context().storageState() });
    const page = await context.newPage();
    const bodies = [];
    page.on('response', (r) => {
      const type = r.request().resourceType();
      if (type === 'script' || type === 'stylesheet') {
        bodies.push(
          r.body().then(
            (b) => [r.url(), b],
            () => [r.url(), Buffer.alloc(0)],
          ),
        );
      }
    });
    await page.goto('/editor');
    await page.locator('.cm-content').waitFor();
    await settled(page);
    const files = await Promise.all(bodies);
    assert.ok(
      files.every(([, b]) => b.length > 0),
      'every script and stylesheet body was read',
    );
    const gz = files.reduce((n, [, b]) => n + gzipSync(b, { level: 9 }).length, 0);
    const figure = `first load of /editor: ${(gz / 1024).toFixed(1)} KB gzipped JS+CSS in ${files.length} files`;
    console.log(figure);
    writeFileSync(join(RESULTS_DIR, 'first-load-size.txt'), figure + '\n');
    assert.ok(gz <= 500 * 1024, `${gz} bytes`);
  });
});
