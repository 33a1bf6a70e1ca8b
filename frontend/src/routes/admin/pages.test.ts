import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { router } from '../../lib/stores/router.svelte';
import { json, mockFetch, type Call } from '../../test/fakes';
import DeadLetters from './DeadLetters.svelte';
import Events from './Events.svelte';
import Executions from './Executions.svelte';
import { runFixture, settingsFixture } from './fixtures';
import Overview from './Overview.svelte';
import Projections from './Projections.svelte';
import Sagas from './Sagas.svelte';
import { queueHistory } from './stats.svelte';
import SystemSettings from './SystemSettings.svelte';

const page = (executions: unknown[], over: Record<string, unknown> = {}) => ({
  executions,
  total: executions.length,
  limit: 25,
  skip: 0,
  has_more: false,
  ...over,
});
const queue = { queue_depth: 1, active_count: 1, max_concurrent: 2, by_priority: { normal: 1 } };
const bodyOf = (calls: Call[], method: string, part: string) =>
  JSON.parse(calls.find((c) => c.method === method && c.url.includes(part))!.body!);

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
  queueHistory.clear();
  router.navigate('/');
});

describe('Executions & queue page', () => {
  const waiting = runFixture({
    execution_id: 'wait-0001',
    status: 'queued',
    priority: 'low',
    created_at: new Date().toISOString(),
  });
  const running = runFixture({ execution_id: 'run-00001', status: 'running' });

  it('shows the live queue and moves a waiting run up', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/admin/executions/queue': queue,
      'GET /api/v1/admin/executions/': (c: Call) =>
        json(
          c.url.includes('status=scheduled')
            ? page([])
            : c.url.includes('status=queued')
              ? page([waiting])
              : c.url.includes('status=running')
                ? page([running])
                : page([running, waiting, runFixture()]),
        ),
      'PUT /api/v1/admin/executions/wait-0001/priority': { ...waiting, priority: 'high' },
    });
    render(Executions);
    const live = await screen.findByTestId('live-queue');
    await vi.waitFor(() => expect(within(live).getAllByTestId('live-run')).toHaveLength(2));
    expect(screen.getByTestId('queue-depth').textContent).toBe('1');
    expect(
      within(live)
        .getAllByTestId('live-run')
        .map((li) => li.dataset.status),
    ).toEqual(['running', 'queued']);
    await fireEvent.change(within(live).getByLabelText(/Priority of run wait-000/), {
      target: { value: 'high' },
    });
    await vi.waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(bodyOf(calls, 'PUT', '/priority')).toEqual({ priority: 'high' });
    expect(within(screen.getByTestId('execution-table')).getAllByRole('row')).toHaveLength(4);
  });

  it('reads the queue again every two seconds', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let depth = 1;
    mockFetch({
      'GET /api/v1/admin/executions/queue': () => json({ ...queue, queue_depth: depth }),
      'GET /api/v1/admin/executions/': page([]),
    });
    render(Executions);
    await vi.waitFor(() => expect(screen.getByTestId('queue-depth').textContent).toBe('1'));
    depth = 0;
    await vi.advanceTimersByTimeAsync(2100);
    await vi.waitFor(() => expect(screen.getByTestId('queue-depth').textContent).toBe('0'));
  });

  it('filters the list on the server', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/admin/executions/queue': queue,
      'GET /api/v1/admin/executions/': page([]),
    });
    render(Executions);
    await screen.findByTestId('execution-table');
    await fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'failed' } });
    await fireEvent.change(screen.getByLabelText('Priority'), { target: { value: 'high' } });
    await vi.waitFor(() =>
      expect(calls.some((c) => c.url.includes('status=failed') && c.url.includes('priority=high'))).toBe(
        true,
      ),
    );
  });
});

describe('System settings page', () => {
  it('validates, saves only what changed, and resets after confirmation', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/admin/settings/': settingsFixture,
      'PUT /api/v1/admin/settings/': (c: Call) => json({ ...settingsFixture, ...JSON.parse(c.body!) }),
      'POST /api/v1/admin/settings/reset': settingsFixture,
    });
    render(SystemSettings);
    const field = await screen.findByLabelText('Runs at once');
    expect(screen.getByRole('button', { name: 'Save settings' })).toHaveProperty('disabled', true);
    await fireEvent.input(field, { target: { value: '500' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(screen.getByText('Between 1 and 100')).toBeTruthy();
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);

    await fireEvent.input(field, { target: { value: '3' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await vi.waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(bodyOf(calls, 'PUT', '/admin/settings/')).toEqual({
      max_concurrent_executions: 3,
      memory_limit: '128Mi',
      cpu_limit: '1000m',
    });

    await fireEvent.click(screen.getByRole('button', { name: 'Reset to defaults' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset every system setting?' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Reset to defaults' }));
    await vi.waitFor(() => expect(calls.some((c) => c.url.endsWith('/admin/settings/reset'))).toBe(true));
  });

  it('shows the server’s validation message', async () => {
    mockFetch({
      'GET /api/v1/admin/settings/': settingsFixture,
      'PUT /api/v1/admin/settings/': json(
        {
          detail: [
            { loc: ['body', 'cpu_limit'], msg: 'cpu_limit must look like 500m or 2', type: 'value_error' },
          ],
        },
        422,
      ),
    });
    render(SystemSettings);
    await fireEvent.input(await screen.findByLabelText('CPU per run'), { target: { value: '2000000m' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('cpu_limit: cpu_limit must look like 500m or 2')).toBeTruthy();
  });
});

describe('Overview page', () => {
  it('charts runs per hour by status and language from the executions list, and samples the queue', async () => {
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    mockFetch({
      'GET /api/v1/admin/executions/': page([
        runFixture({ execution_id: 'a', status: 'completed', lang: 'python', created_at: at(1) }),
        runFixture({ execution_id: 'b', status: 'failed', lang: 'go', created_at: at(2) }),
        runFixture({ execution_id: 'c', status: 'completed', lang: 'python', created_at: at(90) }),
      ]),
      'GET /api/v1/admin/executions/queue': { ...queue, queue_depth: 4 },
    });
    render(Overview);
    await vi.waitFor(() => expect(screen.getByTestId('tile-runs').textContent).toMatch(/3/));
    expect(screen.getByTestId('tile-queue').textContent).toMatch(/4/);
    const status = screen.getByTestId('chart-status');
    expect(status.querySelectorAll('rect').length).toBeGreaterThanOrEqual(3);
    expect(within(status).getAllByText('Failed or error').length).toBeGreaterThan(0);
    expect(within(screen.getByTestId('chart-lang')).getAllByText('python').length).toBeGreaterThan(0);
    expect(queueHistory.samples.at(-1)?.depth).toBe(4);
    // No processor endpoint yet: said plainly, no invented numbers.
    expect(screen.getByText(/does not report its event processors yet/)).toBeTruthy();
  });
});

describe('pages on endpoints this server may not have yet', () => {
  it.each([
    ['Events', Events, /event browser is unavailable/i],
    ['Sagas', Sagas, /Sagas is unavailable/],
    ['Projections', Projections, /Projection administration is unavailable/],
    ['Dead letters', DeadLetters, /Dead letters is unavailable/],
  ])('%s says "not available on this server yet" on a 404', async (_name, component, text) => {
    mockFetch({});
    render(component);
    const box = await screen.findByTestId('unavailable');
    expect(box.textContent).toMatch(text);
    expect(box.textContent).toMatch(/not .*(yet|serve)/);
  });
});

describe('Sagas page', () => {
  it('lists sagas, shows the steps and cancels after confirmation', async () => {
    const saga = {
      saga_id: 'sg-1',
      saga_name: 'execution_saga',
      execution_id: 'ex-1',
      state: 'running',
      current_step: 'run',
      completed_steps: ['accept', 'queue'],
      compensated_steps: [],
      error_message: null,
      created_at: '2026-03-01T10:00:00Z',
      updated_at: '2026-03-01T10:00:01Z',
      completed_at: null,
      retry_count: 0,
    };
    const { calls } = mockFetch({
      'GET /api/v1/sagas/': { sagas: [saga], total: 1, skip: 0, limit: 25, has_more: false },
      'GET /api/v1/sagas/sg-1': saga,
      'POST /api/v1/sagas/sg-1/cancel': { success: true, message: 'Saga cancelled', saga_id: 'sg-1' },
    });
    render(Sagas);
    await fireEvent.click(await screen.findByRole('button', { name: 'execution_saga' }));
    const steps = await screen.findByTestId('saga-steps');
    expect(steps.textContent).toMatch(/accept.*queue.*run.*current/s);
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel saga' }));
    await fireEvent.click(
      within(screen.getByRole('dialog', { name: 'Cancel this saga?' })).getByRole('button', {
        name: 'Cancel saga',
      }),
    );
    await vi.waitFor(() => expect(calls.some((c) => c.url.endsWith('/sagas/sg-1/cancel'))).toBe(true));
  });
});

describe('Projections page', () => {
  it('shows lag and state, and rebuilds after confirmation with a progress bar', async () => {
    let replaying = false;
    const { calls } = mockFetch({
      'GET /api/v1/admin/projections': () =>
        json({
          projections: [
            replaying
              ? {
                  name: 'executions',
                  state: 'replaying',
                  lag: 40,
                  progress: 0.6,
                  events_per_second: 12000,
                  eta_seconds: 2,
                }
              : { name: 'executions', state: 'caught_up', lag: 0, segments: 1 },
          ],
        }),
      'POST /api/v1/admin/projections/executions/replay': () => {
        replaying = true;
        return json({ name: 'executions', state: 'replaying' });
      },
    });
    render(Projections);
    await fireEvent.click(await screen.findByRole('button', { name: 'Rebuild executions' }));
    await fireEvent.click(
      within(screen.getByRole('dialog', { name: 'Rebuild executions?' })).getByRole('button', {
        name: 'Rebuild',
      }),
    );
    const bar = await screen.findByRole('progressbar', { name: 'Rebuild of executions' });
    expect(bar.getAttribute('aria-valuenow')).toBe('60');
    expect(screen.getByText(/12000 events\/s/)).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });
});

describe('Dead letters page', () => {
  it('retries one and discards another only with a reason', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/dlq/messages': {
        messages: [
          {
            message_id: 'm1',
            event_type: 'execution_completed',
            processor: 'executions',
            error: 'boom',
            attempts: 3,
          },
          { message_id: 'm2', event_type: 'user_updated', processor: 'users', error: 'bad', attempts: 1 },
        ],
        total: 2,
      },
      'POST /api/v1/dlq/messages/m1/retry': { message: 'ok' },
      'DELETE /api/v1/dlq/messages/m2': { message: 'ok' },
    });
    render(DeadLetters);
    const table = await screen.findByTestId('dlq-table');
    const rows = within(table).getAllByRole('row');
    await fireEvent.click(within(rows[1]).getByRole('button', { name: 'Retry' }));
    await vi.waitFor(() => expect(calls.some((c) => c.url.endsWith('/m1/retry'))).toBe(true));
    await fireEvent.click(within(rows[2]).getByRole('button', { name: 'Discard' }));
    const dialog = screen.getByRole('dialog', { name: 'Discard this dead letter?' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Discard' }));
    expect(within(dialog).getByText(/Say why/)).toBeTruthy();
    await fireEvent.input(within(dialog).getByLabelText('Reason'), { target: { value: 'obsolete event' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Discard' }));
    await vi.waitFor(() => expect(calls.some((c) => c.method === 'DELETE')).toBe(true));
    expect(calls.find((c) => c.method === 'DELETE')!.url).toMatch(
      /reason=obsolete\+event|reason=obsolete%20event/,
    );
  });
});

describe('Events page', () => {
  const ev = (i: number, type: string, ts: string) => ({
    event_id: `e${i}`,
    event_type: type,
    timestamp: ts,
    aggregate_id: 'ex-9',
    aggregate_type: 'Execution',
    sequence_number: i,
    metadata: { user_id: 'u-alice', client_ip: '10.0.0.1' },
  });
  const history = [
    ev(0, 'execution_requested', '2026-03-01T10:00:00Z'),
    ev(1, 'execution_running', '2026-03-01T10:00:01Z'),
    ev(2, 'execution_completed', '2026-03-01T10:00:03Z'),
  ];

  it('browses with filters, opens an event and hides it after confirmation', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/admin/events/browse': { events: history, total: 3, skip: 0, limit: 25 },
      'GET /api/v1/admin/events/e2': { event: history[2], related_events: [history[0]], timeline: [] },
      'DELETE /api/v1/admin/events/e2': { message: 'hidden', event_id: 'e2' },
    });
    render(Events);
    await fireEvent.input(await screen.findByLabelText('Event types (comma-separated)'), {
      target: { value: 'execution_completed, execution_failed' },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await vi.waitFor(() =>
      expect(bodyOf(calls.slice(-1), 'POST', '/browse').filters.event_types).toEqual([
        'execution_completed',
        'execution_failed',
      ]),
    );
    expect(screen.getByRole('link', { name: 'CSV' }).getAttribute('href')).toMatch(
      /\/api\/v1\/admin\/events\/export\/csv\?event_types=execution_completed&event_types=execution_failed/,
    );
    await fireEvent.click(screen.getByRole('button', { name: 'execution_completed' }));
    expect(await screen.findByText('Same correlation')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Hide event' }));
    await fireEvent.click(
      within(screen.getByRole('dialog', { name: 'Hide this event?' })).getByRole('button', {
        name: 'Hide event',
      }),
    );
    await vi.waitFor(() => expect(calls.some((c) => c.method === 'DELETE')).toBe(true));
  });

  it('shows an aggregate’s timeline and its state at the picked instant', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/audit/aggregates/execution/ex-9/events': { events: history, total: 3 },
      'GET /api/v1/audit/aggregates/execution/ex-9/state': (c: Call) =>
        json({
          state: {
            status: new URL(c.url, 'http://x').searchParams.get('at')!.startsWith('2026-03-01T10:00:01')
              ? 'running'
              : 'completed',
          },
          sequence_number: 1,
        }),
    });
    router.navigate('/admin/events?type=execution&id=ex-9');
    render(Events);
    const timeline = await screen.findByTestId('timeline');
    expect(within(timeline).getAllByRole('listitem')).toHaveLength(3);
    expect(timeline.textContent).toMatch(/by u-alice/);
    await vi.waitFor(() => expect(screen.getByTestId('state-at').textContent).toMatch(/"completed"/));
    await fireEvent.input(screen.getByLabelText(/Instant: after event/), { target: { value: '1' } });
    await vi.waitFor(() => expect(screen.getByTestId('state-at').textContent).toMatch(/"running"/));
    expect(calls.some((c) => c.url.includes('at=2026-03-01T10%3A00%3A01'))).toBe(true);
  });

  it('falls back to the run’s own event list when the audit API is not there, and says the state is not', async () => {
    mockFetch({ 'GET /api/v1/executions/ex-9/events': history });
    router.navigate('/admin/events?type=execution&id=ex-9');
    render(Events);
    const timeline = await screen.findByTestId('timeline');
    expect(within(timeline).getAllByRole('listitem')).toHaveLength(3);
    expect(screen.getByTestId('state-at').textContent).toMatch(/State at an instant is unavailable/);
  });
});
