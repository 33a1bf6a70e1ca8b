import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { router } from '../../lib/stores/router.svelte';
import { json, mockFetch, type Call } from '../../test/fakes';
import DeadLetters from './DeadLetters.svelte';
import Events from './Events.svelte';
import Executions from './Executions.svelte';
import { deadLetterFixture, processorFixture, runFixture, settingsFixture } from './fixtures';
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

  it('shows a saved change in the history: who, when, and each setting from → to', async () => {
    const changes: Record<string, unknown>[] = [];
    const { calls } = mockFetch({
      'GET /api/v1/admin/settings/': settingsFixture,
      'PUT /api/v1/admin/settings/': (c: Call) => {
        const settings = { ...settingsFixture, ...JSON.parse(c.body!) };
        changes.push({
          event_id: `s${changes.length}`,
          event_type: 'system_settings_changed',
          timestamp: '2026-03-01T10:00:00Z',
          aggregate_id: 'system',
          aggregate_type: 'SystemSettingsAggregate',
          sequence_number: changes.length,
          metadata: { user_id: 'a1' },
          payload: {
            settings_id: 'system',
            previous: settingsFixture,
            settings,
            changed_by: 'a1',
            reset: false,
          },
        });
        return json(settings);
      },
      'GET /api/v1/audit/aggregates/system_settings/system/events': (c: Call) => {
        if (!changes.length) return json({ detail: 'No system_settings system', type: 'not_found' }, 404);
        const q = new URL(c.url, 'http://x').searchParams;
        const skip = Number(q.get('skip') ?? 0);
        const limit = Number(q.get('limit') ?? 100);
        return json({
          aggregate_type: 'system_settings',
          aggregate_id: 'system',
          events: changes.slice(skip, skip + limit),
          total: changes.length,
          skip,
          limit,
        });
      },
    });
    render(SystemSettings);
    const history = await screen.findByTestId('settings-history');
    await vi.waitFor(() => expect(history.textContent).toMatch(/No changes yet/));
    await fireEvent.input(screen.getByLabelText('Runs at once'), { target: { value: '3' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await vi.waitFor(() => expect(within(history).getAllByTestId('settings-change')).toHaveLength(1));
    const change = within(history).getByTestId('settings-change');
    expect(change.textContent).toMatch(/by a1/);
    expect(change.textContent).toMatch(/Runs at once: 10\s*→\s*3/);
    // only what changed is listed
    expect(change.querySelectorAll('ul > li')).toHaveLength(1);
    expect(calls.some((c) => c.url.includes('/audit/aggregates/system_settings/system/events'))).toBe(true);
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
    // No processor endpoint on this server: said plainly, no invented numbers.
    expect(screen.getByText(/does not report its event processors/)).toBeTruthy();
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
    expect(box.textContent).toMatch(/not (serve|report)|not .*yet/);
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
    const rebuilding = processorFixture({
      state: 'replaying',
      lag: 6,
      position: 8,
      replay: {
        status: 'replaying',
        started_at: '2026-03-01T10:00:00Z',
        finished_at: null,
        position: 9,
        target: 15,
        progress_percent: 60,
        events_per_second: 12000,
        eta_seconds: 2,
      },
    });
    const { calls } = mockFetch({
      'GET /api/v1/admin/projections': () =>
        json({
          processors: [
            replaying ? rebuilding : processorFixture({ lag: 3, position: 11 }),
            processorFixture({
              name: 'execution-admission',
              kind: 'side_effect',
              processor_type: 'subscribing',
              state: 'running',
              replayable: false,
              position: null,
              lag: null,
              dead_letters: null,
              segments: [],
            }),
          ],
          replaying: replaying ? ['executions'] : [],
          total: 2,
        }),
      'POST /api/v1/admin/projections/executions/replay': () => {
        replaying = true;
        return json(rebuilding, 202);
      },
    });
    render(Projections);
    const table = await screen.findByTestId('projection-table');
    await vi.waitFor(() => expect(within(table).getAllByTestId('projection-row')).toHaveLength(2));
    const [executions, admission] = within(table).getAllByTestId('projection-row');
    expect(executions.textContent).toMatch(/3\s*at 11 of 14/);
    expect(admission.textContent).toMatch(/live/);
    // only read models are rebuilt; a subscribing processor has nothing to pause
    expect(within(admission).queryByRole('button')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Rebuild executions' }));
    await fireEvent.click(
      within(screen.getByRole('dialog', { name: 'Rebuild executions?' })).getByRole('button', {
        name: 'Rebuild',
      }),
    );
    const bar = await screen.findByRole('progressbar', { name: 'Rebuild of executions' });
    expect(bar.getAttribute('aria-valuenow')).toBe('60');
    expect(screen.getByTestId('rebuild-figures').textContent).toMatch(
      /60 % · 9 of 15 events · 12000 events\/s/,
    );
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('pauses only after confirmation and resumes', async () => {
    let state = 'caught_up';
    const { calls } = mockFetch({
      'GET /api/v1/admin/projections': () =>
        json({ processors: [processorFixture({ state })], replaying: [], total: 1 }),
      'POST /api/v1/admin/projections/executions/pause': () => {
        state = 'paused';
        return json(processorFixture({ state }));
      },
      'POST /api/v1/admin/projections/executions/resume': () => {
        state = 'caught_up';
        return json(processorFixture({ state }));
      },
    });
    render(Projections);
    await fireEvent.click(await screen.findByRole('button', { name: 'Pause executions' }));
    const dialog = screen.getByRole('dialog', { name: 'Pause executions?' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
    await fireEvent.click(screen.getByRole('button', { name: 'Pause executions' }));
    await fireEvent.click(
      within(screen.getByRole('dialog', { name: 'Pause executions?' })).getByRole('button', {
        name: 'Pause',
      }),
    );
    await fireEvent.click(await screen.findByRole('button', { name: 'Resume executions' }));
    await vi.waitFor(() => expect(calls.some((c) => c.url.endsWith('/executions/resume'))).toBe(true));
  });
});

describe('Dead letters page', () => {
  it('retries one and discards another only with a reason', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/dlq/messages': {
        messages: [
          deadLetterFixture({ id: 'executions:m1' }),
          deadLetterFixture({
            id: 'users:m2',
            processor: 'users',
            event_type: 'user_updated',
            error_message: 'bad',
            attempts: 1,
          }),
        ],
        total: 2,
        limit: 25,
        offset: 0,
        has_more: false,
      },
      'POST /api/v1/dlq/messages/executions%3Am1/retry': {
        retried: 1,
        succeeded: 1,
        failed: 0,
        outcomes: [
          { id: 'executions:m1', processor: 'executions', succeeded: true, remaining_in_processor: 0 },
        ],
      },
      'POST /api/v1/dlq/messages/users%3Am2/discard': (c: Call) =>
        json({
          id: 'users:m2',
          discarded: true,
          reason: JSON.parse(c.body!).reason,
          message: deadLetterFixture(),
        }),
    });
    render(DeadLetters);
    const table = await screen.findByTestId('dlq-table');
    const rows = within(table).getAllByRole('row');
    expect(rows[1].textContent).toMatch(/execution_completed[\s\S]*executions[\s\S]*boom[\s\S]*3/);
    await fireEvent.click(within(rows[1]).getByRole('button', { name: 'Retry' }));
    await vi.waitFor(() => expect(calls.some((c) => c.url.endsWith('/executions%3Am1/retry'))).toBe(true));
    await fireEvent.click(within(rows[2]).getByRole('button', { name: 'Discard' }));
    const dialog = screen.getByRole('dialog', { name: 'Discard this dead letter?' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Discard' }));
    expect(within(dialog).getByText(/Say why/)).toBeTruthy();
    expect(calls.some((c) => c.url.includes('/discard'))).toBe(false);
    await fireEvent.input(within(dialog).getByLabelText('Reason'), { target: { value: 'obsolete event' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Discard' }));
    await vi.waitFor(() => expect(calls.some((c) => c.url.includes('/discard'))).toBe(true));
    expect(bodyOf(calls, 'POST', '/discard')).toEqual({ reason: 'obsolete event' });
  });

  it('inspects a letter: its error, attempts, payload and metadata', async () => {
    mockFetch({
      'GET /api/v1/dlq/messages': {
        messages: [deadLetterFixture()],
        total: 1,
        limit: 25,
        offset: 0,
        has_more: false,
      },
      'GET /api/v1/dlq/messages/executions%3Aex-1': deadLetterFixture({ attempts: 4 }),
    });
    render(DeadLetters);
    await fireEvent.click(await screen.findByRole('button', { name: 'execution_completed' }));
    const detail = await screen.findByTestId('dead-letter-detail');
    await vi.waitFor(() => expect(detail.textContent).toMatch(/Attempts\s*4/));
    expect(detail.textContent).toMatch(/IllegalStateException boom/);
    expect(screen.getByRole('dialog', { name: 'execution_completed in executions' }).textContent).toMatch(
      /"execution_id": "ex-1"/,
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
    await fireEvent.click(await screen.findByRole('button', { name: 'execution_completed' }));
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
      'GET /api/v1/audit/aggregates/execution/ex-9/events': {
        aggregate_type: 'execution',
        aggregate_id: 'ex-9',
        events: history,
        total: 3,
        skip: 0,
        limit: 1000,
      },
      'GET /api/v1/audit/aggregates/execution/ex-9/state': (c: Call) => {
        const at = new URL(c.url, 'http://x').searchParams.get('at')!;
        const earlier = at.startsWith('2026-03-01T10:00:01');
        return json({
          aggregate_type: 'execution',
          aggregate_id: 'ex-9',
          at,
          sequence_number: earlier ? 1 : 2,
          last_event_type: earlier ? 'execution_running' : 'execution_completed',
          last_event_timestamp: earlier ? '2026-03-01T10:00:01Z' : '2026-03-01T10:00:03Z',
          state: { status: earlier ? 'RUNNING' : 'COMPLETED' },
        });
      },
    });
    router.navigate('/admin/events?type=execution&id=ex-9');
    render(Events);
    const timeline = await screen.findByTestId('timeline');
    expect(within(timeline).getAllByRole('listitem')).toHaveLength(3);
    expect(timeline.textContent).toMatch(/by u-alice/);
    await vi.waitFor(() => expect(screen.getByTestId('state-at').textContent).toMatch(/"COMPLETED"/));
    await fireEvent.input(screen.getByLabelText(/Instant: after event/), { target: { value: '1' } });
    await vi.waitFor(() => expect(screen.getByTestId('state-at').textContent).toMatch(/"RUNNING"/));
    expect(screen.getByTestId('state-as-of').textContent).toMatch(/After execution_running \(event #1/);
    expect(calls.some((c) => c.url.includes('at=2026-03-01T10%3A00%3A01'))).toBe(true);
  });

  it('says so when the aggregate did not exist yet, and names an unknown one', async () => {
    mockFetch({
      'GET /api/v1/audit/aggregates/execution/nope/events': () =>
        json({ detail: 'No execution nope', type: 'not_found' }, 404),
    });
    router.navigate('/admin/events?type=execution&id=nope');
    render(Events);
    expect((await screen.findByRole('alert')).textContent).toMatch(/No execution nope/);
  });

  it('opens the history of an event’s aggregate under the audit’s name for its stored type', async () => {
    const settingsEvent = {
      ...ev(0, 'system_settings_updated', '2026-03-01T10:00:00Z'),
      aggregate_id: 'system',
      aggregate_type: 'SystemSettingsAggregate',
    };
    const { calls } = mockFetch({
      'POST /api/v1/admin/events/browse': { events: [settingsEvent], total: 1, skip: 0, limit: 25 },
      'GET /api/v1/admin/events/e0': { event: settingsEvent, related_events: [], timeline: [] },
      'GET /api/v1/audit/aggregates/system_settings/system/events': {
        aggregate_type: 'system_settings',
        aggregate_id: 'system',
        events: [settingsEvent],
        total: 1,
        skip: 0,
        limit: 1000,
      },
    });
    render(Events);
    await fireEvent.click(await screen.findByRole('button', { name: 'system_settings_updated' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'History of its aggregate' }));
    await screen.findByTestId('timeline');
    expect(calls.some((c) => c.url.includes('/audit/aggregates/system_settings/system/events'))).toBe(true);
  });
});
