// The dead-letter journey: retry a parked event and discard another with a reason, in the browser as
// `admin`. A dead letter needs a projection handler that fails, which the built jar does not have, so this
// file is not one of the `npm run e2e` journeys (its name does not end in .test.mjs): the app's
// AdminDeadLetterBrowserJourneyTest starts Sandpod with a failing handler in the executions projection,
// parks two runs' events, repairs the handler and runs this file against it with
//   SANDPOD_URL, SANDPOD_DLQ_RETRY (the run whose events are retried), SANDPOD_DLQ_DISCARD (the other).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe } from 'node:test';
import { api, asAdmin, toast } from './admin-helpers.mjs';
import { assertAppIsUp, closeContexts, journey, launch, screenshot, setTheme, until } from './helpers.mjs';

const RETRY = process.env.SANDPOD_DLQ_RETRY;
const DISCARD = process.env.SANDPOD_DLQ_DISCARD;

let browser;

before(async () => {
  assert.ok(RETRY && DISCARD, 'SANDPOD_DLQ_RETRY and SANDPOD_DLQ_DISCARD name the parked runs');
  await assertAppIsUp();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** The dead letters of one run, as the API lists them. */
async function lettersOf(page, executionId) {
  const list = (await api(page, 'GET', '/dlq/messages?processor=executions&limit=1000')).body;
  return list.messages.filter((m) => m.aggregate_id === executionId);
}

describe('Dead letters in the browser', { concurrency: false }, () => {
  afterEach(closeContexts);

  journey(
    'admin: inspect a dead letter, retry it after the fix, and discard another with a reason',
    async () => {
      const page = await asAdmin(browser);
      await page.goto('/admin/projections');
      const executions = page.locator('[data-testid="projection-row"][data-name="executions"]');
      await executions.getByRole('link', { name: /dead letters/ }).click();
      await page.getByRole('heading', { name: 'Dead letters', level: 1 }).waitFor();
      assert.equal(await page.getByLabel('Processor').inputValue(), 'executions');

      const table = page.getByTestId('dlq-table');
      const rowsOf = (id) => table.locator('tbody tr', { hasText: id });
      await rowsOf(RETRY).first().waitFor();
      await rowsOf(DISCARD).first().waitFor();
      for (const theme of ['light', 'dark']) {
        await setTheme(page, theme);
        await screenshot(page, `admin-dead-letters-parked-${theme}-1280x800`);
      }
      await setTheme(page, 'light');

      // Inspect: the failing event (the request), its error and payload.
      const first = rowsOf(RETRY).first();
      assert.match(await first.innerText(), /execution_requested/);
      await first.getByRole('button', { name: 'execution_requested' }).click();
      const dialog = page.getByRole('dialog', { name: 'execution_requested in executions' });
      const detail = dialog.getByTestId('dead-letter-detail');
      await detail.getByText(`poisoned script in ${RETRY}`).waitFor();
      assert.match(await detail.innerText(), /IllegalStateException/);
      assert.match(await dialog.innerText(), /POISON-BROWSER retry/);
      await screenshot(page, 'admin-dead-letter-detail');

      // Retry (the handler is fixed now): the run's whole parked sequence is handled, in order.
      await dialog.getByRole('button', { name: 'Retry' }).click();
      await toast(page, 'execution_requested handled by executions');
      await until(async () => (await rowsOf(RETRY).count()) === 0, {
        message: 'the retried letters leave the list',
      });
      assert.deepEqual(await lettersOf(page, RETRY), [], 'nothing of the retried run is parked');
      const listed = await api(page, 'GET', '/admin/executions/?limit=100');
      assert.ok(
        listed.body.executions.some((e) => e.execution_id === RETRY),
        'the executions read model has the retried run',
      );

      // Discard the other run's letter: only with a reason, after confirming.
      const other = rowsOf(DISCARD).first();
      await other.getByRole('button', { name: 'Discard' }).click();
      const confirm = page.getByRole('dialog', { name: 'Discard this dead letter?' });
      await confirm.getByRole('button', { name: 'Discard' }).click();
      await confirm.getByText(/Say why/).waitFor();
      assert.equal(
        (await lettersOf(page, DISCARD)).length > 0,
        true,
        'nothing is discarded without a reason',
      );
      await confirm.getByLabel('Reason').fill('obsolete test run');
      await confirm.getByRole('button', { name: 'Discard' }).click();
      await toast(page, 'Dead letter discarded');
      // The discard and its reason are recorded as an event (the browser's index follows shortly).
      await until(
        async () => {
          const found = await api(page, 'POST', '/admin/events/browse', {
            filters: { event_types: ['dead_letter_discarded'] },
            limit: 10,
          });
          return found.body?.events?.some((e) => e.payload?.reason === 'obsolete test run');
        },
        { message: 'the discard with its reason in the event browser' },
      );
      await screenshot(page, 'admin-dead-letters-after');
      assert.deepEqual(page.errors, []);
    },
  );
});
